package io.meshlet.consul;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.kiwiproject.consul.CatalogClient;
import org.kiwiproject.consul.async.ConsulResponseCallback;
import org.kiwiproject.consul.model.ConsulResponse;

/** {@code GET /v1/catalog/services} through consul-client, as a {@link BlockingQuery.Call}: the service names, sorted. */
final class CatalogQuery implements BlockingQuery.Call<List<String>> {
  private final CatalogClient catalog;
  private final ConsulSettings settings;

  CatalogQuery(CatalogClient catalog, ConsulSettings settings) {
    this.catalog = catalog;
    this.settings = settings;
  }

  @Override
  public void start(BigInteger index, BlockingQuery.Answer<List<String>> answer) {
    catalog.getServices(HealthQuery.options(settings, settings.datacenter(), index), new ConsulResponseCallback<>() {
      @Override
      public void onComplete(ConsulResponse<Map<String, List<String>>> response) {
        Map<String, List<String>> services = response.getResponse();
        answer.value(services == null ? List.of() : List.copyOf(new TreeSet<>(services.keySet())), response.getIndex());
      }

      @Override
      public void onFailure(Throwable error) {
        answer.failure(error);
      }
    });
  }
}
