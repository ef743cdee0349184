package io.meshlet.perf;

import io.grpc.InsecureServerCredentials;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.IoHandlerFactory;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.ServerChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The service the gRPC benchmarks call, written by hand (no codegen, no protobuf): one unary method
 * taking and answering a short UTF-8 string, on a plaintext grpc-java Netty server on 127.0.0.1.
 *
 * <p>The server has its own one-thread event loop (epoll where Netty has it, as the clients' default
 * group): otherwise it would share grpc-java's default event loop group with the clients, and
 * whether a client's connection and the server's end of it land on the same thread would depend on
 * how many connections were made before, a difference between the clients that is not theirs.
 */
final class GrpcEcho implements AutoCloseable {
  static final String SERVICE = "meshlet.perf.Reviews";
  static final MethodDescriptor<String, String> GET = MethodDescriptor.<String, String>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Get"))
      .setRequestMarshaller(Utf8.INSTANCE)
      .setResponseMarshaller(Utf8.INSTANCE)
      .build();
  /** What every call sends. */
  static final String REQUEST = "reviews for product 1";
  /** What every call gets back. */
  static final String RESPONSE = "reviews-v1: 5 stars";

  private final EventLoopGroup loop;
  private final Server server;

  private GrpcEcho(EventLoopGroup loop, Server server) {
    this.loop = loop;
    this.server = server;
  }

  /** A started server on a free loopback port (grpc-java's default server executor). */
  static GrpcEcho start() throws IOException {
    ServerServiceDefinition service = ServerServiceDefinition.builder(SERVICE)
        .addMethod(GET, ServerCalls.asyncUnaryCall((request, response) -> {
          response.onNext(RESPONSE);
          response.onCompleted();
        }))
        .build();
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    Class<? extends ServerChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("perf-server-loop", true), io);
    try {
      Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create())
          .bossEventLoopGroup(loop)
          .workerEventLoopGroup(loop)
          .channelType(type)
          .addService(service)
          .build()
          .start();
      return new GrpcEcho(loop, server);
    } catch (IOException | RuntimeException e) {
      loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
  }

  int port() {
    return server.getPort();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
  }

  /**
   * UTF-8 strings as messages. {@code parse} sizes its array by {@code available()} (exact for
   * grpc-java's message streams), as protobuf's marshaller does: {@code readAllBytes()} would
   * allocate an 8 KiB buffer per message and make the bytes per call mostly the marshaller's.
   */
  enum Utf8 implements MethodDescriptor.Marshaller<String> {
    INSTANCE;

    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try {
        int n = stream.available();
        byte[] bytes = new byte[n];
        int read = stream.readNBytes(bytes, 0, n);
        if (read < n || stream.available() > 0) {
          byte[] rest = stream.readAllBytes();
          byte[] all = new byte[read + rest.length];
          System.arraycopy(bytes, 0, all, 0, read);
          System.arraycopy(rest, 0, all, read, rest.length);
          bytes = all;
        }
        return new String(bytes, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
