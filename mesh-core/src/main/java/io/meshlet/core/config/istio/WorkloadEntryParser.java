package io.meshlet.core.config.istio;

import io.meshlet.core.config.HostNames;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import io.meshlet.core.model.WorkloadEndpoint;
import io.meshlet.core.model.WorkloadEntry;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code WorkloadEntry.spec} of {@code networking.istio.io/v1} (or {@code v1beta1}, {@code
 * v1alpha3}): {@code address} (an IP or a host name), {@code ports}, {@code labels}, {@code
 * locality}, {@code weight} and {@code serviceAccount} (the identity {@code ISTIO_MUTUAL} expects of
 * it) are applied; {@code network} is read and reported as not applied, as for {@code ServiceEntry.endpoints}. A {@code unix://} address, or no
 * address with a {@code network}, is accepted as Istio accepts it and gives no endpoint (warned).
 */
final class WorkloadEntryParser {
  /** Istio's label for the workload's name; the entry's name when its labels do not give one. */
  static final String WORKLOAD_NAME = "service.istio.io/workload-name";

  private WorkloadEntryParser() {}

  static WorkloadEntry parse(YamlObject spec, ResourceId id, ResourceOrigin origin) {
    Problems problems = spec.problems();
    String address = address(spec);
    WorkloadEndpoint fields = EndpointParser.fields(spec, address == null ? "" : address, null);
    WorkloadEndpoint endpoint = null;
    if (address != null && fields != null) {
      // As istiod names a WorkloadEntry's workload in telemetry (destination_workload): its name, unless labelled.
      Map<String, String> labels = fields.labels();
      if (!labels.containsKey(WORKLOAD_NAME)) {
        labels = new LinkedHashMap<>(labels);
        labels.put(WORKLOAD_NAME, id.name());
      }
      endpoint = new WorkloadEndpoint(address, fields.ports(), labels, fields.network(), fields.locality(), fields.weight(),
          fields.serviceAccount());
    }
    Map<String, String> labels = fields == null ? Map.of() : fields.labels();
    return new WorkloadEntry(id, origin, labels, endpoint, problems.notYetAppliedPaths());
  }

  /** The address to dial, or null: missing (an error, unless a network reaches it), unix socket (warned), invalid (an error). */
  private static @Nullable String address(YamlObject spec) {
    Problems problems = spec.problems();
    String address = spec.string("address");
    if (address == null || address.isEmpty()) {
      if (spec.has("network")) {
        problems.warning(spec.path("address"), "unset with a network: Istio reaches such a workload through its network's "
            + "gateway, which an in-process client cannot; this WorkloadEntry gives no endpoint");
      } else if (address == null && !spec.has("address")) {
        problems.error(spec.path("address"), "missing (required)");
      } else if (address != null) {
        problems.error(spec.path("address"), "'' (expected: an IP address or a host name)");
      }
      return null;
    }
    if (address.startsWith("unix://")) {
      if (spec.has("ports")) {
        problems.error(spec.path("ports"), "given with the unix address '" + address + "' (expected: no ports for a unix socket)");
      }
      problems.warning(spec.path("address"),
          "'" + address + "': a unix domain socket cannot be dialled by an in-process client; this WorkloadEntry gives no endpoint");
      return null;
    }
    if (!EndpointParser.isIpLiteral(address) && (address.indexOf('*') >= 0 || HostNames.problem(address) != null)) {
      problems.error(spec.path("address"), "'" + address + "' (expected: an IP address or a host name)");
      return null;
    }
    return address;
  }
}
