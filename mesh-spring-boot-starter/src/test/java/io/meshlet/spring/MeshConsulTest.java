package io.meshlet.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshlet.core.Mesh;
import io.meshlet.core.model.ServiceEntry;
import io.meshlet.core.snapshot.SourceStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.mock.env.MockEnvironment;

/** {@code mesh.consul.*} reaches a Consul source (an agent's health API served by MockWebServer as Consul answers). */
class MeshConsulTest {
  private static final String HEALTH = """
      [{"Node":{"ID":"1","Node":"node-1","Address":"10.0.0.7","Datacenter":"dc1"},
        "Service":{"ID":"reviews-1","Service":"reviews","Tags":["version=v2"],"Address":"","Meta":{},"Port":9080,
          "Weights":{"Passing":1,"Warning":1}},
        "Checks":[{"Node":"node-1","CheckID":"serfHealth","Name":"Serf Health Status","Status":"passing"}]}]""";

  private final MockWebServer agent = new MockWebServer();

  @AfterEach
  void stop() {
    agent.close();
  }

  @Test
  void consulPropertiesMakeAConsulSource() throws IOException, InterruptedException {
    agent.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        boolean held = !request.getTarget().contains("index=0");
        MockResponse.Builder b = new MockResponse.Builder().code(200).setHeader("X-Consul-Index", "4")
            .setHeader("Content-Type", "application/json").body(HEALTH);
        return (held ? b.headersDelay(200, TimeUnit.MILLISECONDS) : b).build();
      }
    });
    agent.start(InetAddress.getLoopbackAddress(), 0);
    MeshProperties p = new MeshProperties();
    p.setNamespace("shop");
    p.getConsul().setAddress(URI.create("http://127.0.0.1:" + agent.getPort()));
    p.getConsul().setServices(List.of("reviews"));
    p.getConsul().setToken("t0k3n");
    p.getConsul().setHostForms(List.of("kubernetes", "consul"));
    p.getConsul().setWait(Duration.ofSeconds(1));

    try (Mesh mesh = MeshFactory.builder(p, new MockEnvironment().withProperty("spring.application.name", "productpage"),
        new DefaultResourceLoader(), name -> null).build()) {
      assertThat(mesh.sources()).singleElement().satisfies(s -> {
        assertThat(s.name()).isEqualTo("consul:127.0.0.1:" + agent.getPort());
        assertThat(s.state()).isEqualTo(SourceStatus.State.ACTIVE);
      });
      ServiceEntry se = mesh.snapshot().config().serviceEntries().get(0);
      assertThat(se.hosts()).containsExactly("reviews.shop.svc.cluster.local", "reviews.service.consul");
      assertThat(se.endpoints().get(0).address()).isEqualTo("10.0.0.7");
      assertThat(se.endpoints().get(0).labels()).containsEntry("version", "v2");
      assertThat(mesh.routeTable().lookup("reviews")).isNotNull();
    }
    RecordedRequest first = agent.takeRequest();
    assertThat(first.getHeaders().get("X-Consul-Token")).isEqualTo("t0k3n");
    assertThat(first.getTarget()).startsWith("/v1/health/service/reviews?").contains("passing").contains("wait=1s");
  }

  @Test
  void aHostFormThatIsNotOneIsRefusedNamingTheProperty() {
    MeshProperties p = new MeshProperties();
    p.getConsul().setServices(List.of("reviews"));
    p.getConsul().setHostForms(List.of("dns"));
    assertThatThrownBy(() -> MeshFactory.builder(p, new MockEnvironment().withProperty("spring.application.name", "x"),
        new DefaultResourceLoader(), name -> null))
        .hasMessage("mesh.consul.host-forms[0]: 'dns' (expected: consul or kubernetes)");
  }
}
