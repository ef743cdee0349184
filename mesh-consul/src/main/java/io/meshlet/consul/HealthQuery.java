package io.meshlet.consul;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.kiwiproject.consul.HealthClient;
import org.kiwiproject.consul.async.ConsulResponseCallback;
import org.kiwiproject.consul.model.ConsulResponse;
import org.kiwiproject.consul.model.health.HealthCheck;
import org.kiwiproject.consul.model.health.ServiceHealth;
import org.kiwiproject.consul.option.ImmutableQueryOptions;
import org.kiwiproject.consul.option.QueryOptions;

/**
 * {@code GET /v1/health/service/<name>} through consul-client's async health client, as a {@link
 * BlockingQuery.Call}: {@code passing} when only passing instances count, else every instance whose
 * checks are not {@code critical} (passing and warning, as Consul's resolver does with {@code
 * OnlyPassing: false}). The client's types stop here.
 */
final class HealthQuery implements BlockingQuery.Call<List<ConsulInstance>> {
  private final HealthClient health;
  private final String service;
  private final @Nullable String datacenter;
  private final ConsulSettings settings;

  /** @param datacenter the datacenter to read ({@code dc}), the agent's own when null */
  HealthQuery(HealthClient health, String service, @Nullable String datacenter, ConsulSettings settings) {
    this.health = health;
    this.service = service;
    this.datacenter = datacenter;
    this.settings = settings;
  }

  @Override
  public void start(BigInteger index, BlockingQuery.Answer<List<ConsulInstance>> answer) {
    ImmutableQueryOptions options = options(settings, datacenter, index);
    ConsulResponseCallback<List<ServiceHealth>> callback = new ConsulResponseCallback<>() {
      @Override
      public void onComplete(ConsulResponse<List<ServiceHealth>> response) {
        List<ConsulInstance> instances;
        try {
          instances = instances(response.getResponse());
        } catch (RuntimeException e) {
          answer.failure(e);
          return;
        }
        answer.value(instances, response.getIndex());
      }

      @Override
      public void onFailure(Throwable error) {
        answer.failure(error);
      }
    };
    if (settings.passingOnly()) {
      health.getHealthyServiceInstances(service, options, callback);
    } else {
      health.getAllServiceInstances(service, options, callback);
    }
  }

  /** A blocking query from {@code index} with {@code wait}, in the datacenter and namespace given. */
  static ImmutableQueryOptions options(ConsulSettings settings, @Nullable String datacenter, BigInteger index) {
    ImmutableQueryOptions.Builder options = QueryOptions.blockSeconds(settings.waitSeconds(), index);
    if (datacenter != null) {
      options.datacenter(datacenter);
    }
    if (settings.consulNamespace() != null) {
      options.namespace(settings.consulNamespace());
    }
    return options.build();
  }

  private List<ConsulInstance> instances(@Nullable List<ServiceHealth> entries) {
    List<ConsulInstance> out = new ArrayList<>();
    if (entries == null) {
      return out;
    }
    for (ServiceHealth sh : entries) {
      if (!settings.passingOnly() && critical(sh.getChecks())) {
        continue;
      }
      var s = sh.getService();
      String address = s.getAddress() == null || s.getAddress().isEmpty() ? sh.getNode().getAddress() : s.getAddress();
      int weight = s.getWeights().map(w -> w.getPassing()).orElse(1);
      Map<String, String> meta = s.getMeta() == null ? Map.of() : s.getMeta();
      out.add(new ConsulInstance(s.getId(), sh.getNode().getNode(), address, s.getPort(),
          s.getTags() == null ? List.of() : s.getTags(), meta, weight));
    }
    return out;
  }

  private static boolean critical(@Nullable List<HealthCheck> checks) {
    if (checks != null) {
      for (HealthCheck c : checks) {
        if ("critical".equals(c.getStatus())) {
          return true;
        }
      }
    }
    return false;
  }
}
