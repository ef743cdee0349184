package io.meshlet.it;

import io.grpc.CallOptions;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.meshlet.core.Mesh;
import io.meshlet.grpc.MeshGrpc;
import io.meshlet.http.MeshInterceptor;
import io.meshlet.http.MeshServletFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Three services on loopback, each with its own {@link Mesh}, metrics registry and the one tracer:
 * {@code productpage} (Jetty, {@link MeshServletFilter}) calls {@code reviews} with OkHttp's {@code
 * enqueue()} through {@link MeshInterceptor}; {@code reviews} (Jetty) calls {@code ratings} over a
 * mesh gRPC channel; {@code ratings} is a gRPC server with the mesh's server interceptor. No
 * application code touches a trace header.
 */
final class Chain implements AutoCloseable {
  static final MethodDescriptor<String, String> RATINGS = MethodDescriptor.<String, String>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName("bookinfo.Ratings/Get")
      .setRequestMarshaller(Utf8.INSTANCE)
      .setResponseMarshaller(Utf8.INSTANCE)
      .build();

  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
      .build();
  final PrometheusMeterRegistry productpageMetrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final PrometheusMeterRegistry reviewsMetrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final PrometheusMeterRegistry ratingsMetrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<AutoCloseable> closing = new ArrayList<>();
  final int productpagePort;

  Chain(Path dir) throws Exception {
    try {
      // ratings: gRPC
      Mesh ratingsMesh = mesh(dir, "ratings", "v1", "", ratingsMetrics);
      ServerServiceDefinition ratings = ServerServiceDefinition.builder("bookinfo.Ratings")
          .addMethod(RATINGS, ServerCalls.asyncUnaryCall((String req, io.grpc.stub.StreamObserver<String> out) -> {
            out.onNext("5 stars for " + req);
            out.onCompleted();
          })).build();
      Server ratingsServer = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create())
          .addService(ServerInterceptors.intercept(ratings, MeshGrpc.serverInterceptor(ratingsMesh))).build().start();
      closing.add(() -> ratingsServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));

      // reviews: servlet calling ratings over gRPC
      Mesh reviewsMesh = mesh(dir, "reviews", "v2", serviceEntry("ratings", "grpc", "GRPC", ratingsServer.getPort(), "v1"),
          reviewsMetrics);
      ManagedChannel toRatings = MeshGrpc.newChannelBuilder(reviewsMesh, "ratings:9080").build();
      closing.add(() -> toRatings.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
      int reviewsPort = jetty(reviewsMesh, new HttpServlet() {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
          String stars = ClientCalls.blockingUnaryCall(toRatings, RATINGS, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
              req.getPathInfo());
          byte[] body = ("reviews of " + req.getPathInfo() + ": " + stars).getBytes(StandardCharsets.UTF_8);
          resp.setContentLength(body.length);
          resp.getOutputStream().write(body);
        }
      });

      // productpage: servlet calling reviews with OkHttp enqueue()
      Mesh productpageMesh = mesh(dir, "productpage", "v1", serviceEntry("reviews", "http", "HTTP", reviewsPort, "v2"),
          productpageMetrics);
      OkHttpClient client = MeshInterceptor.of(productpageMesh).applyTo(new OkHttpClient());
      closing.add(() -> client.dispatcher().executorService().shutdownNow());
      productpagePort = jetty(productpageMesh, new HttpServlet() {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
          CompletableFuture<String> reviews = new CompletableFuture<>();
          client.newCall(new Request.Builder().url("http://reviews:9080/reviews" + req.getPathInfo()).build())
              .enqueue(new Callback() {
                @Override
                public void onResponse(Call call, Response response) throws IOException {
                  try (response) {
                    reviews.complete(response.body().string());
                  }
                }

                @Override
                public void onFailure(Call call, IOException e) {
                  reviews.completeExceptionally(e);
                }
              });
          byte[] body = ("productpage: " + reviews.join()).getBytes(StandardCharsets.UTF_8);
          resp.setContentLength(body.length);
          resp.getOutputStream().write(body);
        }
      });
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  private Mesh mesh(Path dir, String name, String version, String yaml, PrometheusMeterRegistry registry) throws IOException {
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(file, yaml.isEmpty() ? "# nothing to call\n" : yaml);
    Mesh mesh = Mesh.builder().workload(name).namespace("default").labels(Map.of("app", name, "version", version))
        .configFile(file).meterRegistry(registry).openTelemetry(otel).build();
    closing.add(mesh);
    return mesh;
  }

  private static String serviceEntry(String host, String portName, String protocol, int port, String version) {
    return """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: %1$s}
        spec:
          hosts: [%1$s]
          resolution: STATIC
          ports: [{number: 9080, name: %2$s, protocol: %3$s}]
          endpoints:
          - address: 127.0.0.1
            ports: {%2$s: %4$d}
            labels: {app: %1$s, version: %5$s, service.istio.io/workload-name: %1$s-%5$s}
        """.formatted(host, portName, protocol, port, version);
  }

  private int jetty(Mesh mesh, HttpServlet servlet) throws Exception {
    org.eclipse.jetty.server.Server jetty = new org.eclipse.jetty.server.Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.addFilter(new FilterHolder(MeshServletFilter.of(mesh)), "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(servlet), "/*");
    jetty.setHandler(context);
    jetty.start();
    closing.add(jetty::stop);
    return connector.getLocalPort();
  }

  /** All three services' Prometheus text, as one scrape of the three would see it. */
  String scrape() {
    return productpageMetrics.scrape() + reviewsMetrics.scrape() + ratingsMetrics.scrape();
  }

  @Override
  public void close() {
    for (int i = closing.size() - 1; i >= 0; i--) {
      try {
        closing.get(i).close();
      } catch (Exception e) {
        // keep closing the others
      }
    }
    otel.close();
  }

  enum Utf8 implements MethodDescriptor.Marshaller<String> {
    INSTANCE;

    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
