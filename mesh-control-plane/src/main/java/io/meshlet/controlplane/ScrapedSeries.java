package io.meshlet.controlplane;

import io.meshlet.core.resilience.MeshTime;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The graph's rates gathered by the control plane itself, with no Prometheus server: every {@code
 * interval} it reads the metrics URL each connected workload announced in its node metadata
 * ({@value NodeStatuses#METRICS_URL}), keeps the samples of {@code istio_requests_total} and
 * {@code istio_request_duration_milliseconds_bucket} (with the graph's labels only), and computes
 * a rate over a window as Prometheus's {@code rate()} does from the first and last scrape in it
 * (a counter that fell was reset: its last value is the increase).
 *
 * <p>Bounded: one scheduler thread and one HTTP client thread for all workloads (requests are
 * asynchronous; a target still being read is not asked again), {@link #TIMEOUT} per scrape, at most
 * {@link #MAX_TARGETS} targets, {@link #MAX_SERIES} series and {@link #MAX_BYTES} per target, and the
 * scrapes of the last {@link #KEPT} only (a longer window uses what is kept).
 */
final class ScrapedSeries implements Series {
  private static final Logger logger = LoggerFactory.getLogger(ScrapedSeries.class);
  static final Duration TIMEOUT = Duration.ofSeconds(3);
  static final Duration KEPT = Duration.ofMinutes(10);
  static final int MAX_TARGETS = 500;
  static final int MAX_SERIES = 5000;
  static final long MAX_BYTES = 16L << 20;
  static final String REQUESTS = "istio_requests_total";
  static final String BUCKETS = "istio_request_duration_milliseconds_bucket";
  private static final Map<String, List<String>> KEEP = Map.of(REQUESTS, GraphBuilder.REQUEST_LABELS,
      BUCKETS, GraphBuilder.BUCKET_LABELS);

  private record Scrape(long nanos, Map<PromText.Key, Double> samples) {}

  private static final class Target {
    final Deque<Scrape> scrapes = new ArrayDeque<>();
    volatile boolean inFlight;
    volatile long lastSeen;
    volatile String lastError = "";
  }

  private final Supplier<List<URI>> targets;
  private final MeshTime time;
  private final Map<URI, Target> byUri = new ConcurrentHashMap<>();
  private final ScheduledExecutorService scheduler;
  private final java.util.concurrent.ExecutorService io;
  private final HttpClient http;

  /** Scrapes {@code targets()} every {@code interval} on its own thread, on the system clock. */
  ScrapedSeries(Supplier<List<URI>> targets, Duration interval) {
    this(targets, MeshTime.system());
    scheduler.scheduleWithFixedDelay(() -> {
      try {
        scrapeAll();
      } catch (RuntimeException e) {
        // a task that throws is never run again: log, and scrape on the next tick
        logger.warn("scraping the workloads' metrics failed", e);
      }
    }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Scrapes only when {@link #scrapeAll()} is called; for tests, with their clock. */
  ScrapedSeries(Supplier<List<URI>> targets, MeshTime time) {
    this.targets = targets;
    this.time = time;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "mesh-control-plane-scrape"));
    this.io = Executors.newSingleThreadExecutor(r -> daemon(r, "mesh-control-plane-scrape-io"));
    this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).executor(io).build();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** The metrics URLs the connected nodes announced, each once, at most {@link #MAX_TARGETS}. */
  static List<URI> targets(List<NodeStatuses.Status> nodes) {
    Set<URI> out = new LinkedHashSet<>();
    for (NodeStatuses.Status s : nodes) {
      String url = s.metricsUrl();
      if (!s.connected() || url == null || url.isEmpty() || out.size() >= MAX_TARGETS) {
        continue;
      }
      try {
        URI uri = URI.create(url);
        if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
          out.add(uri);
        }
      } catch (IllegalArgumentException e) {
        // not a URL: that node's series are not gathered (its metadata is shown in /api/workloads)
      }
    }
    return List.copyOf(out);
  }

  /** Starts a scrape of every target not being read; completes when all have answered or failed. */
  CompletableFuture<Void> scrapeAll() {
    List<URI> now = targets.get();
    byUri.keySet().retainAll(Set.copyOf(now));
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (URI uri : now) {
      Target t = byUri.computeIfAbsent(uri, u -> new Target());
      if (t.inFlight) {
        continue;
      }
      t.inFlight = true;
      all.add(http.sendAsync(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
              HttpResponse.BodyHandlers.ofInputStream())
          .thenAccept(r -> record(uri, t, r))
          .whenComplete((v, e) -> {
            t.inFlight = false;
            if (e != null) {
              failed(uri, t, e.getCause() != null ? e.getCause() : e);
            }
          })
          .exceptionally(e -> null));
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }

  private void record(URI uri, Target t, HttpResponse<InputStream> r) {
    try (InputStream body = r.body()) {
      if (r.statusCode() != 200) {
        throw new IOException("answered " + r.statusCode());
      }
      PromText.Result read = PromText.read(new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8)),
          KEEP, MAX_SERIES, MAX_BYTES);
      if (read.dropped() > 0 && t.scrapes.isEmpty()) {
        logger.warn("{}: {} series beyond the first {} are not graphed", uri, read.dropped(), MAX_SERIES);
      }
      long now = time.nanoTime();
      synchronized (t) {
        t.scrapes.addLast(new Scrape(now, read.samples()));
        while (t.scrapes.size() > 2 && now - t.scrapes.peekFirst().nanos() > KEPT.toNanos()) {
          t.scrapes.removeFirst();
        }
      }
      t.lastSeen = now;
      t.lastError = "";
    } catch (IOException e) {
      failed(uri, t, e);
    }
  }

  private static void failed(URI uri, Target t, Throwable e) {
    String message = String.valueOf(e);
    if (!message.equals(t.lastError)) {
      logger.info("metrics of {} cannot be read: {}", uri, message);
    }
    t.lastError = message;
  }

  @Override
  public Rates rates(Duration window) {
    List<Row> requests = new ArrayList<>();
    List<Row> buckets = new ArrayList<>();
    for (Target t : byUri.values()) {
      Scrape first;
      Scrape last;
      synchronized (t) {
        if (t.scrapes.size() < 2) {
          continue;
        }
        last = t.scrapes.peekLast();
        first = last;
        for (Scrape s : t.scrapes) {
          if (last.nanos() - s.nanos() <= window.toNanos()) {
            first = s;
            break;
          }
        }
        if (first == last) {
          // the window is shorter than the interval: the last two scrapes
          var it = t.scrapes.descendingIterator();
          it.next();
          first = it.next();
        }
      }
      double seconds = (last.nanos() - first.nanos()) / 1e9;
      if (!(seconds > 0)) {
        continue;
      }
      Map<PromText.Key, Double> before = first.samples();
      Map<PromText.Key, Double> sums = new HashMap<>();
      last.samples().forEach((k, v) -> {
        double was = before.getOrDefault(k, 0.0);
        sums.put(k, v >= was ? v - was : v);
      });
      sums.forEach((k, increase) -> (k.metric().equals(REQUESTS) ? requests : buckets).add(new Row(k.labels(), increase / seconds)));
    }
    return new Rates("workloads", requests, buckets);
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    io.shutdownNow();
  }
}
