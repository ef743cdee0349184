package io.meshlet.xds.translate;

import io.envoyproxy.envoy.config.route.v3.RouteAction.RequestMirrorPolicy;
import io.meshlet.core.model.Destination;
import io.meshlet.core.model.MirrorPolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * A route's {@code request_mirror_policies} as the model's mirrors: the cluster (Istio's {@code
 * outbound|port|subset|host}) as the destination, {@code runtime_fraction.default_value} as the
 * share (100 % when absent, as Envoy). The runtime key is not read (Meshlet has no runtime).
 */
final class MirrorTranslator {
  private MirrorTranslator() {}

  static List<MirrorPolicy> translate(List<RequestMirrorPolicy> policies, String path, Problems problems) {
    List<MirrorPolicy> out = new ArrayList<>();
    for (int i = 0; i < policies.size(); i++) {
      RequestMirrorPolicy p = policies.get(i);
      String pp = path + ".request_mirror_policies[" + i + "]";
      if (!p.getClusterHeader().isEmpty()) {
        problems.error(pp + ".cluster_header", "not supported (expected: cluster)");
        continue;
      }
      if (p.getCluster().isEmpty()) {
        problems.error(pp + ".cluster", "missing (required)");
        continue;
      }
      if (p.getDisableShadowHostSuffixAppend()) {
        problems.ignored(pp + ".disable_shadow_host_suffix_append", "Meshlet always appends -shadow to the authority");
      }
      if (p.hasTraceSampled()) {
        problems.ignored(pp + ".trace_sampled", "not applied by Meshlet");
      }
      Destination d = ActionTranslator.destination(p.getCluster(), pp + ".cluster", problems);
      int millionths = p.hasRuntimeFraction()
          ? MirrorPolicy.fromPercent(Protos.percent(p.getRuntimeFraction().getDefaultValue()))
          : MirrorPolicy.ALL;
      if (d != null && millionths > 0) {
        out.add(new MirrorPolicy(d, Math.min(MirrorPolicy.ALL, millionths)));
      }
    }
    return out;
  }
}
