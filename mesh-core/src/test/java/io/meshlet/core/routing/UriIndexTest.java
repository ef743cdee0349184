package io.meshlet.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.explain.ExplainRequest;
import io.meshlet.core.model.HeaderOperations;
import io.meshlet.core.model.HttpMatch;
import io.meshlet.core.model.HttpRoute;
import io.meshlet.core.model.StringMatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The uri index must answer exactly what the linear first-match scan answers. */
class UriIndexTest {
  private static final String[] SEGMENTS = {"", "a", "ab", "api", "v1", "v2", "x"};

  @Test
  void agreesWithTheLinearScanOnRandomRulesAndRequests() {
    Random random = new Random(20261121);
    int indexedTables = 0;
    for (int table = 0; table < 300; table++) {
      ServiceRoutes routes = new ServiceRoutes("h", null, randomRoutes(random, 8 + random.nextInt(40)));
      if (routes.indexed()) {
        indexedTables++;
      }
      for (int q = 0; q < 200; q++) {
        ExplainRequest req = ExplainRequest.of("GET", "http://h" + randomPath(random),
            random.nextBoolean() ? Map.of("x-user", "u" + random.nextInt(3)) : Map.of());
        assertThat(routes.match(req)).as("table %d, %s", table, req).isSameAs(routes.scan(req));
      }
    }
    assertThat(indexedTables).as("most random tables are indexable").isGreaterThan(100);
  }

  @Test
  void findsTheLastOfAThousandPrefixRules() {
    List<CompiledRoute> list = new ArrayList<>();
    for (int r = 0; r < 1000; r++) {
      list.add(route(r, List.of(block(StringMatch.prefix("/api/v" + r + "/"), false, null))));
    }
    ServiceRoutes routes = new ServiceRoutes("h", null, list.toArray(new CompiledRoute[0]));
    assertThat(routes.indexed()).isTrue();
    assertThat(routes.match(ExplainRequest.get("http://h/api/v999/items")).index()).isEqualTo(999);
    assertThat(routes.match(ExplainRequest.get("http://h/api/v1000/items"))).isNull();
  }

  @Test
  void aVeryLongUriRuleAmongManyIsIndexedWithoutDeepRecursion() {
    // Issue 14: the recursive trie build overflowed the stack on an 8,000-character rule.
    String longUri = "/" + "a".repeat(100_000);
    List<CompiledRoute> list = new ArrayList<>();
    for (int r = 0; r < 8; r++) {
      list.add(route(r, List.of(block(StringMatch.prefix(r == 7 ? longUri : "/api/v" + r), false, null))));
    }
    ServiceRoutes routes = new ServiceRoutes("h", null, list.toArray(new CompiledRoute[0]));
    assertThat(routes.indexed()).isTrue();
    assertThat(routes.match(ExplainRequest.get("http://h" + longUri + "/x")).index()).isEqualTo(7);
    assertThat(routes.match(ExplainRequest.get("http://h/api/v3")).index()).isEqualTo(3);
  }

  @Test
  void fewRulesAreNotIndexed() {
    CompiledRoute[] few = {route(0, List.of(block(StringMatch.prefix("/a"), false, null)))};
    assertThat(new ServiceRoutes("h", null, few).indexed()).isFalse();
  }

  private static CompiledRoute[] randomRoutes(Random random, int n) {
    CompiledRoute[] routes = new CompiledRoute[n];
    for (int r = 0; r < n; r++) {
      int blocks = random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(2);
      List<HttpMatch> matches = new ArrayList<>();
      for (int b = 0; b < blocks; b++) {
        StringMatch uri;
        switch (random.nextInt(8)) {
          case 0:
            uri = null;
            break;
          case 1:
            uri = StringMatch.regex("/a.*");
            break;
          case 2:
          case 3:
            uri = StringMatch.exact(randomPath(random));
            break;
          default:
            uri = StringMatch.prefix(randomPath(random));
        }
        String user = random.nextInt(3) == 0 ? "u" + random.nextInt(3) : null;
        matches.add(block(uri, random.nextInt(12) == 0, user));
      }
      routes[r] = route(r, matches);
    }
    return routes;
  }

  private static String randomPath(Random random) {
    StringBuilder sb = new StringBuilder();
    int parts = random.nextInt(3);
    for (int i = 0; i <= parts; i++) {
      sb.append('/').append(SEGMENTS[random.nextInt(SEGMENTS.length)]);
    }
    return sb.toString();
  }

  private static HttpMatch block(StringMatch uri, boolean ignoreCase, String user) {
    return new HttpMatch(null, uri, null, null, null, user == null ? Map.of() : Map.of("x-user", StringMatch.exact(user)),
        Map.of(), Map.of(), 0, ignoreCase, Map.of(), null, List.of());
  }

  private static CompiledRoute route(int index, List<HttpMatch> matches) {
    HttpRoute model = new HttpRoute("r" + index, matches, List.of(), null, null, null, HeaderOperations.NONE);
    CompiledMatch[] compiled = new CompiledMatch[matches.size()];
    for (int i = 0; i < compiled.length; i++) {
      compiled[i] = new CompiledMatch(matches.get(i), null);
    }
    return new CompiledRoute(null, index, model, compiled, new CompiledDestination[0], null, new CompiledMirror[0]);
  }
}
