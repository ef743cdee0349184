package io.meshlet.samples.bookinfo;

import static java.util.Objects.requireNonNull;

import io.meshlet.controlplane.MeshControlPlane;
import io.meshlet.core.identity.MeshCa;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Istio's Bookinfo on Meshlet, running: a {@link MeshControlPlane} watching a directory of Istio
 * YAML (with its admin API and console), and the six workloads (productpage, details, reviews v1,
 * v2, v3, ratings), one Spring Boot application context each in this JVM, each with its own mesh
 * fed over xDS from a bootstrap file as istio-agent writes it and a certificate from the fleet's CA.
 *
 * <pre>{@code
 * try (Bookinfo bookinfo = Bookinfo.builder().productPagePort(9080).start()) {
 *   System.out.println(bookinfo.productPage());   // http://127.0.0.1:9080/productpage
 * }
 * }</pre>
 */
public final class Bookinfo implements AutoCloseable {
  /** The files of the shipped {@code config/} directory, copied into the config directory at start. */
  static final List<String> SHIPPED_CONFIG = List.of("destination-rules.yaml");
  /** How many applications start at once: two cores are the machine this is tried on. */
  private static final int PARALLEL_STARTS = 3;

  private final Path configDir;
  private final MeshControlPlane controlPlane;
  private final MetricsServer metrics;
  private final Map<String, Integer> ports;
  private final Map<String, ConfigurableApplicationContext> apps;
  private final Map<String, Duration> startTimes;
  private final Path workDir;

  private Bookinfo(Path configDir, Path workDir, MeshControlPlane controlPlane, MetricsServer metrics, Map<String, Integer> ports,
      Map<String, ConfigurableApplicationContext> apps, Map<String, Duration> startTimes) {
    this.configDir = configDir;
    this.startTimes = startTimes;
    this.workDir = workDir;
    this.controlPlane = controlPlane;
    this.metrics = metrics;
    this.ports = ports;
    this.apps = apps;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts Bookinfo on its default ports with {@code configDir} as the config directory (shipped files are added if missing). */
  public static Bookinfo start(Path configDir) throws IOException {
    return builder().configDir(configDir).start();
  }

  /** The product page a browser opens: {@code http://127.0.0.1:9080/productpage}. */
  public URI productPage() {
    return URI.create("http://127.0.0.1:" + ports.get("productpage-v1") + "/productpage");
  }

  /** Each workload's base URL ({@code productpage-v1}, ..., {@code ratings-v1}); the services other than productpage also take mutual TLS there. */
  public Map<String, URI> urls() {
    Map<String, URI> urls = new LinkedHashMap<>();
    for (Workload w : Workload.ALL) {
      urls.put(w.name(), URI.create("http://127.0.0.1:" + ports.get(w.name())));
    }
    return urls;
  }

  /** The control plane's console. */
  public URI console() {
    return URI.create("http://127.0.0.1:" + controlPlane.adminPort() + "/");
  }

  public MeshControlPlane controlPlane() {
    return controlPlane;
  }

  /** The directory of Istio YAML the control plane serves: copy a task's files here. */
  public Path configDir() {
    return configDir;
  }

  /** The application context of a workload, by name ({@code reviews-v2}). */
  public ConfigurableApplicationContext app(String workload) {
    ConfigurableApplicationContext app = apps.get(workload);
    if (app == null) {
      throw new IllegalArgumentException("no workload " + workload + " (expected one of " + apps.keySet() + ")");
    }
    return app;
  }

  /** How long each workload's application took to start (its context, including the wait for its first xDS config). */
  public Map<String, Duration> startTimes() {
    return startTimes;
  }

  /** Stops the applications, then the control plane. */
  @Override
  public void close() {
    List<ConfigurableApplicationContext> reversed = new ArrayList<>(apps.values());
    Collections.reverse(reversed);
    for (ConfigurableApplicationContext app : reversed) {
      try {
        app.close();
      } catch (RuntimeException e) {
        // keep closing the others
      }
    }
    controlPlane.close();
    metrics.close();
  }

  /** Where the launcher keeps certificates and bootstrap files. */
  Path workDir() {
    return workDir;
  }

  public static final class Builder {
    public static final int DEFAULT_PRODUCT_PAGE_PORT = 9080;
    public static final int DEFAULT_ADMIN_PORT = MeshControlPlane.Builder.DEFAULT_ADMIN_PORT;

    private int productPagePort = DEFAULT_PRODUCT_PAGE_PORT;
    private int adminPort = DEFAULT_ADMIN_PORT;
    private @Nullable Path configDir;
    private Duration scrapeInterval = Duration.ofSeconds(1);

    private Builder() {}

    /** The product page's port (9080); 0 picks a free one. */
    public Builder productPagePort(int port) {
      this.productPagePort = checkPort(port, "productPagePort");
      return this;
    }

    /** The control plane's admin API and console port (15014); 0 picks a free one. */
    public Builder adminPort(int port) {
      this.adminPort = checkPort(port, "adminPort");
      return this;
    }

    /** The config directory; by default a new temporary directory with a copy of the shipped {@code config/}. */
    public Builder configDir(Path dir) {
      this.configDir = requireNonNull(dir, "dir");
      return this;
    }

    /** How often the console gathers the workloads' series (1 s). */
    public Builder scrapeInterval(Duration interval) {
      this.scrapeInterval = requireNonNull(interval, "interval");
      return this;
    }

    public Bookinfo start() throws IOException {
      Path work = Files.createTempDirectory("meshlet-bookinfo");
      Path config = configDir != null ? Files.createDirectories(configDir) : Files.createDirectories(work.resolve("config"));
      copyShippedConfig(config);
      Ports free = new Ports();
      Map<String, Integer> ports = new LinkedHashMap<>();
      for (Workload w : Workload.ALL) {
        ports.put(w.name(), free.pick(w.app().equals("productpage") ? productPagePort : 0));
      }
      int grpcPort = free.pick(0);
      int xdsPort = free.pick(0);
      int admin = free.pick(adminPort);
      FleetFiles.services(config, ports, grpcPort);

      List<AutoCloseable> started = new ArrayList<>();
      Map<String, ConfigurableApplicationContext> apps = new ConcurrentHashMap<>();
      Map<String, Duration> times = new ConcurrentHashMap<>();
      ExecutorService starter = Executors.newFixedThreadPool(PARALLEL_STARTS, r -> new Thread(r, "bookinfo-start"));
      try {
        MetricsServer metrics = new MetricsServer(free.pick(0));
        started.add(metrics);
        MeshControlPlane cp = MeshControlPlane.builder().configDir(config).port(xdsPort).adminPort(admin)
            .scrapeInterval(scrapeInterval).pollInterval(Duration.ofMillis(100)).build().start();
        started.add(cp);
        MeshCa ca = MeshCa.create(FleetFiles.TRUST_DOMAIN);
        List<Future<?>> starts = new ArrayList<>();
        for (Workload w : Workload.ALL) {
          Path bootstrap = FleetFiles.bootstrap(work, ca, w, xdsPort, metrics.url(w.name()));
          starts.add(starter.submit(() -> {
            long t0 = System.nanoTime();
            ConfigurableApplicationContext app = application(w, ports.get(w.name()), grpcPort, bootstrap).run();
            times.put(w.name(), Duration.ofNanos(System.nanoTime() - t0));
            apps.put(w.name(), app);
            metrics.register(w.name(), app.getBean(PrometheusMeterRegistry.class));
            return null;
          }));
        }
        for (Future<?> f : starts) {
          f.get();
        }
        Map<String, ConfigurableApplicationContext> ordered = new LinkedHashMap<>();
        Map<String, Duration> orderedTimes = new LinkedHashMap<>();
        for (Workload w : Workload.ALL) {
          ordered.put(w.name(), apps.get(w.name()));
          orderedTimes.put(w.name(), times.get(w.name()));
        }
        return new Bookinfo(config, work, cp, metrics, ports, ordered, Collections.unmodifiableMap(orderedTimes));
      } catch (ExecutionException | InterruptedException | IOException | RuntimeException e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        apps.values().forEach(ConfigurableApplicationContext::close);
        for (int i = started.size() - 1; i >= 0; i--) {
          try {
            started.get(i).close();
          } catch (Exception ignored) {
            // keep closing the others
          }
        }
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        throw new IOException("Bookinfo did not start: " + cause, cause);
      } finally {
        starter.shutdown();
      }
    }

    private static SpringApplicationBuilder application(Workload w, int port, int grpcPort, Path bootstrap) {
      List<String> p = new ArrayList<>(List.of(
          "spring.application.name=" + w.name(),
          "spring.main.banner-mode=off",
          "spring.main.register-shutdown-hook=false",
          "spring.jmx.enabled=false",
          "server.address=127.0.0.1",
          "server.port=" + port,
          "mesh.workload=" + w.name(),
          "mesh.namespace=" + FleetFiles.NAMESPACE,
          "mesh.labels.app=" + w.app(),
          "mesh.labels.version=" + w.version(),
          "mesh.xds.bootstrap=" + bootstrap,
          "mesh.xds.from-environment=false",
          "mesh.startup.timeout=30s",
          "mesh.server-ports=" + (w.grpc() ? port + "," + grpcPort : Integer.toString(port)),
          "management.endpoints.web.exposure.include=health,mesh,prometheus",
          "management.endpoint.health.show-details=always",
          "logging.level.root=warn",
          "bookinfo.version=" + w.version(),
          "bookinfo.grpc-port=" + grpcPort,
          "bookinfo.ratings-target=ratings:" + FleetFiles.RATINGS_GRPC_PORT));
      return new SpringApplicationBuilder(w.application()).listeners(new SerialLoggingStart())
          .properties(p.toArray(String[]::new));
    }

    private static void copyShippedConfig(Path config) throws IOException {
      for (String name : SHIPPED_CONFIG) {
        Path target = config.resolve(name);
        if (Files.exists(target)) {
          continue;
        }
        try (InputStream in = Bookinfo.class.getResourceAsStream("config/" + name)) {
          if (in == null) {
            throw new UncheckedIOException(new IOException("the shipped config/" + name + " is not on the classpath"));
          }
          Files.copy(in, target);
        }
      }
    }

    private static int checkPort(int port, String name) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(name + ": " + port + " (expected: 0..65535)");
      }
      return port;
    }
  }
}
