package io.meshlet.spring;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.FactoryBean;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientAdapter;
import org.springframework.web.service.invoker.HttpServiceProxyFactory;

/**
 * Makes one {@link MeshClient} interface a bean: Spring's HTTP interface proxy over a {@code
 * RestClient} from the application's {@code RestClient.Builder} (Boot's message converters), sent
 * through {@link MeshHttpClients}.
 */
final class MeshClientFactoryBean<T> implements FactoryBean<T>, BeanFactoryAware {
  private final Class<T> type;
  private ConfigurableBeanFactory beanFactory;

  MeshClientFactoryBean(Class<T> type) {
    this.type = type;
    this.beanFactory = new org.springframework.beans.factory.support.DefaultListableBeanFactory();
  }

  @Override
  public void setBeanFactory(BeanFactory beanFactory) {
    this.beanFactory = (ConfigurableBeanFactory) beanFactory;
  }

  @Override
  public T getObject() {
    MeshClient client = type.getAnnotation(MeshClient.class);
    MeshHttpClients http = beanFactory.getBean(MeshHttpClients.class);
    RestClient.Builder builder = beanFactory.getBeanProvider(RestClient.Builder.class).getIfAvailable(RestClient::builder);
    RestClient rest = http.mesh(builder).baseUrl(baseUrl(client)).build();
    return HttpServiceProxyFactory.builderFor(RestClientAdapter.create(rest)).build().createClient(type);
  }

  private String baseUrl(MeshClient client) {
    String service = beanFactory.resolveEmbeddedValue(client.service());
    if (service == null || service.isBlank()) {
      throw new IllegalStateException("@MeshClient(service) on " + type.getName() + ": empty (expected: a host, e.g. reviews)");
    }
    if (client.port() < 0 || client.port() > 65535) {
      throw new IllegalStateException("@MeshClient(port) on " + type.getName() + ": " + client.port() + " (expected: 1..65535, or 0 for the service's single port)");
    }
    return client.scheme() + "://" + service + (client.port() > 0 ? ":" + client.port() : "");
  }

  @Override
  public Class<T> getObjectType() {
    return type;
  }

  @Override
  public String toString() {
    return "MeshClientFactoryBean[" + type.getName() + "]";
  }
}
