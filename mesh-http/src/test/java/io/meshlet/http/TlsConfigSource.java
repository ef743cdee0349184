package io.meshlet.http;

import io.meshlet.core.config.ConfigSink;
import io.meshlet.core.config.ConfigSource;
import io.meshlet.core.config.SourceUpdate;
import io.meshlet.core.config.istio.IstioYaml;
import io.meshlet.core.model.ClientTlsSettings;
import io.meshlet.core.model.DestinationRule;
import io.meshlet.core.model.MeshConfig;
import io.meshlet.core.model.MeshResource;
import io.meshlet.core.model.PortTrafficPolicy;
import io.meshlet.core.model.Subset;
import io.meshlet.core.model.TrafficPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Istio YAML plus DestinationRule {@code tls} set on the model records, until the YAML parser reads
 * {@code trafficPolicy.tls} (branch authz). Keys of {@code tls}: {@code <rule name>} for the host
 * policy, {@code <rule name>/<subset>} for a subset, {@code <rule name>:<port>} for a port.
 */
final class TlsConfigSource implements ConfigSource {
  private final String yaml;
  private final Map<String, ClientTlsSettings> tls;

  TlsConfigSource(String yaml, Map<String, ClientTlsSettings> tls) {
    this.yaml = yaml;
    this.tls = Map.copyOf(tls);
  }

  @Override
  public String name() {
    return "tls-test";
  }

  @Override
  public void start(ConfigSink sink) {
    IstioYaml.ParseResult parsed = IstioYaml.parse(name(), "inline.yaml", yaml, "default");
    List<MeshResource> out = new ArrayList<>();
    for (MeshResource r : parsed.config().all()) {
      out.add(r instanceof DestinationRule ? withTls((DestinationRule) r) : r);
    }
    sink.accept(new SourceUpdate(name(), "1", MeshConfig.of(out), parsed.problems()));
  }

  private DestinationRule withTls(DestinationRule dr) {
    String name = dr.id().name();
    List<Subset> subsets = new ArrayList<>();
    for (Subset s : dr.subsets()) {
      ClientTlsSettings t = tls.get(name + "/" + s.name());
      subsets.add(t == null ? s : new Subset(s.name(), s.labels(), with(s.trafficPolicy(), t, null)));
    }
    TrafficPolicy policy = dr.trafficPolicy();
    for (Map.Entry<String, ClientTlsSettings> e : tls.entrySet()) {
      if (e.getKey().startsWith(name + ":")) {
        policy = with(policy, null, Map.entry(Integer.parseInt(e.getKey().substring(name.length() + 1)), e.getValue()));
      }
    }
    ClientTlsSettings host = tls.get(name);
    if (host != null) {
      policy = with(policy, host, null);
    }
    return new DestinationRule(dr.id(), dr.origin(), dr.host(), policy, subsets, dr.exportTo(), dr.notYetApplied());
  }

  private static TrafficPolicy with(@Nullable TrafficPolicy p, @Nullable ClientTlsSettings tls,
      Map.@Nullable Entry<Integer, ClientTlsSettings> port) {
    TrafficPolicy base = p == null ? TrafficPolicy.NONE : p;
    List<PortTrafficPolicy> ports = new ArrayList<>(base.portLevelSettings());
    if (port != null) {
      ports.add(new PortTrafficPolicy(port.getKey(), null, null, null, null, port.getValue()));
    }
    return new TrafficPolicy(base.loadBalancer(), ports, base.connectionPool(), base.outlierDetection(),
        base.retryBudget(), tls != null ? tls : base.tls());
  }

  @Override
  public void close() {}
}
