package io.meshlet.consul;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * One instance of a Consul service as the health API returns it, already out of the client's types.
 *
 * @param address the service address, or the node's when the service registered none (as Consul's DNS does)
 * @param weight Consul's {@code Weights.Passing} (1 when unset)
 */
record ConsulInstance(String id, String node, String address, int port, List<String> tags, Map<String, String> meta, int weight) {
  ConsulInstance {
    requireNonNull(id, "id");
    requireNonNull(node, "node");
    requireNonNull(address, "address");
    tags = List.copyOf(tags);
    meta = Map.copyOf(meta);
  }
}
