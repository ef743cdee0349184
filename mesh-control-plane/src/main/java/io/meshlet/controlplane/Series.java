package io.meshlet.controlplane;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Where the graph's numbers come from: per-second rates of {@code istio_requests_total} and of
 * {@code istio_request_duration_milliseconds_bucket} over a window, each row with the labels of
 * {@link GraphBuilder#REQUEST_LABELS} (resp. {@link GraphBuilder#BUCKET_LABELS}). Either a Prometheus
 * server ({@link PrometheusSeries}) or the control plane's own scrapes of the workloads ({@link ScrapedSeries}).
 */
interface Series extends AutoCloseable {
  /** One series' rate: its labels and how many per second. */
  record Row(Map<String, String> labels, double perSecond) {
    public Row {
      labels = Map.copyOf(labels);
    }

    String label(String name) {
      String v = labels.get(name);
      return v == null || v.isEmpty() ? "unknown" : v;
    }
  }

  /** The rates over one window; {@code source} is {@code prometheus} or {@code workloads}. */
  record Rates(String source, List<Row> requests, List<Row> durationBuckets) {
    public Rates {
      requests = List.copyOf(requests);
      durationBuckets = List.copyOf(durationBuckets);
    }
  }

  /** The rates over {@code window}; throws {@link AdminError} (502) when the source cannot be read. */
  Rates rates(Duration window);

  @Override
  void close();
}
