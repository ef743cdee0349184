package io.meshlet.consul;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** What {@link ConsulSource.Builder} collected; immutable. */
record ConsulSettings(
    URI address,
    @Nullable String token,
    @Nullable String datacenter,
    @Nullable String consulNamespace,
    String meshNamespace,
    List<String> services,
    boolean allServices,
    List<HostForm> hostForms,
    int servicePort,
    boolean passingOnly,
    boolean configEntries,
    Duration blockingWait,
    Duration initialBackoff,
    Duration maxBackoff) {

  ConsulSettings {
    services = List.copyOf(services);
    hostForms = List.copyOf(hostForms);
  }

  /** These settings with the services the source watches now (from the catalog). */
  ConsulSettings withServices(List<String> now) {
    return new ConsulSettings(address, token, datacenter, consulNamespace, meshNamespace, now, allServices, hostForms,
        servicePort, passingOnly, configEntries, blockingWait, initialBackoff, maxBackoff);
  }

  int waitSeconds() {
    return (int) Math.max(1, blockingWait.toSeconds());
  }

  /** The hosts Consul service {@code service} is known by, one per form. */
  List<String> hosts(String service) {
    return hostForms.stream().map(f -> f.host(service, meshNamespace)).toList();
  }

  /** The host route destinations to {@code service} use: its first form's. */
  String primaryHost(String service) {
    return hostForms.get(0).host(service, meshNamespace);
  }
}
