package io.meshlet.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real grpc-java server on loopback serving {@link Echo}, whose behaviour a test sets: answer
 * (with its name), fail with a status, or answer late. It counts calls and keeps the last call's
 * metadata and authority.
 */
final class GrpcBackend implements AutoCloseable {
  static final Metadata.Key<String> SERVED_BY = Metadata.Key.of("x-served-by", Metadata.ASCII_STRING_MARSHALLER);

  final String name;
  private final Server server;
  private final AtomicInteger hits = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile Status.Code failWith;
  private volatile int failTimes = -1;
  private volatile long delayMillis;
  /** True: client streams are never read (no message requested), so their flow-control window fills. */
  private volatile boolean holdStreams;
  private final AtomicReference<Metadata> lastHeaders = new AtomicReference<>();
  private final AtomicReference<String> lastAuthority = new AtomicReference<>();
  private final AtomicReference<String> lastMethod = new AtomicReference<>();
  private final AtomicReference<String> lastJoined = new AtomicReference<>();
  final List<Context> contexts = new ArrayList<>();

  GrpcBackend(String name) {
    this(name, InsecureServerCredentials.create());
  }

  GrpcBackend(String name, ServerCredentials credentials, ServerInterceptor... interceptors) {
    this(name, credentials, null, interceptors);
  }

  /** A backend whose server has {@code tracer} installed (null for none), its services intercepted by {@code interceptors}. */
  GrpcBackend(String name, ServerCredentials credentials, io.grpc.ServerStreamTracer.Factory tracer,
      ServerInterceptor... interceptors) {
    this.name = name;
    ServerServiceDefinition service = ServerServiceDefinition.builder(Echo.SERVICE)
        .addMethod(Echo.WHO, ServerCalls.asyncUnaryCall(this::who))
        .addMethod(Echo.ADMIN, ServerCalls.asyncUnaryCall(this::who))
        .addMethod(Echo.COUNT, ServerCalls.asyncServerStreamingCall(this::count))
        .addMethod(Echo.JOIN, ServerCalls.asyncClientStreamingCall(this::join))
        .build();
    ServerServiceDefinition intercepted = ServerInterceptors.intercept(service, record());
    intercepted = ServerInterceptors.intercept(intercepted, interceptors);
    try {
      NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), credentials)
          .addService(intercepted);
      if (tracer != null) {
        builder.addStreamTracerFactory(tracer);
      }
      server = builder.build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return server.getPort();
  }

  int hits() {
    return hits.get();
  }

  int inFlight() {
    return inFlight.get();
  }

  /** Every call fails with {@code code} from now on. */
  GrpcBackend failing(Status.Code code) {
    this.failWith = code;
    this.failTimes = -1;
    return this;
  }

  /** The next {@code times} calls fail with {@code code}, then it answers again. */
  GrpcBackend failingTimes(Status.Code code, int times) {
    this.failTimes = times;
    this.failWith = code;
    return this;
  }

  GrpcBackend answering() {
    this.failWith = null;
    return this;
  }

  /** From now on, client-streaming calls read no message (their senders stop being ready). */
  GrpcBackend holdingStreams() {
    this.holdStreams = true;
    return this;
  }

  GrpcBackend delay(long millis) {
    this.delayMillis = millis;
    return this;
  }

  Metadata lastHeaders() {
    return lastHeaders.get();
  }

  String lastAuthority() {
    return lastAuthority.get();
  }

  String lastMethod() {
    return lastMethod.get();
  }

  /** The requests of the last client-streaming call that half-closed, joined with commas; null before one. */
  String lastJoined() {
    return lastJoined.get();
  }

  private ServerInterceptor record() {
    return new ServerInterceptor() {
      @Override
      public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
          ServerCallHandler<ReqT, RespT> next) {
        hits.incrementAndGet();
        lastHeaders.set(headers);
        lastAuthority.set(call.getAuthority());
        lastMethod.set(call.getMethodDescriptor().getFullMethodName());
        synchronized (contexts) {
          contexts.add(Context.current());
        }
        return Contexts.interceptCall(Context.current(), call, headers, next);
      }
    };
  }

  /** Null to go on answering, or the failure this call ends with. */
  private Status failure() {
    Status.Code code = failWith;
    if (code == null) {
      return null;
    }
    if (failTimes >= 0) {
      synchronized (this) {
        if (failTimes == 0) {
          failWith = null;
          return null;
        }
        failTimes--;
      }
    }
    return code.toStatus().withDescription(name + " fails on cue");
  }

  private void pause() {
    long d = delayMillis;
    if (d > 0) {
      try {
        Thread.sleep(d);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void who(String request, StreamObserver<String> out) {
    inFlight.incrementAndGet();
    try {
      pause();
      Status failure = failure();
      if (failure != null) {
        out.onError(failure.asRuntimeException());
        return;
      }
      out.onNext(name);
      out.onCompleted();
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private void count(String request, StreamObserver<String> out) {
    Status failure = failure();
    if (failure != null) {
      out.onError(failure.asRuntimeException());
      return;
    }
    int n = Integer.parseInt(request);
    for (int i = 0; i < n; i++) {
      out.onNext(name + "-" + i);
    }
    out.onCompleted();
  }

  private StreamObserver<String> join(StreamObserver<String> out) {
    if (holdStreams) {
      ((io.grpc.stub.ServerCallStreamObserver<String>) out).disableAutoRequest();
    }
    List<String> parts = new ArrayList<>();
    return new StreamObserver<>() {
      @Override
      public void onNext(String value) {
        parts.add(value);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        Status failure = failure();
        if (failure != null) {
          out.onError(failure.asRuntimeException());
          return;
        }
        lastJoined.set(String.join(",", parts));
        out.onNext(name + ":" + String.join(",", parts));
        out.onCompleted();
      }
    };
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
