package io.meshlet.core.config.istio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** How the field catalogue names a field as written: indexes dropped, map keys skipped, snake_case read as camelCase. */
class ApiFieldListTest {
  private final ApiFieldList vs = ApiFieldList.load("VirtualService");

  @Test
  void writtenPathsAreNamedAsTheListNamesThem() {
    assertThat(vs.normalize("http[2].retries.attempts")).isEqualTo("spec.http[].retries.attempts");
    assertThat(vs.normalize("http[0].match[1].headers.end-user.exact")).isEqualTo("spec.http[].match[].headers{}.exact");
    assertThat(vs.normalize("http[0].match[1].headers.end-user")).isEqualTo("spec.http[].match[].headers{}");
    assertThat(vs.normalize("http[0].mirror_percentage.value")).isEqualTo("spec.http[].mirrorPercentage.value");
    assertThat(vs.normalize("hosts")).isEqualTo("spec.hosts[]");
    assertThat(vs.normalize("http[0].retries.tries")).isNull();
    assertThat(vs.normalize("")).isEqualTo("spec");
  }

  @Test
  void theFieldsADocumentWritesAreFoundWithTheUnknownOnesApart() {
    JsonNode spec = YAMLMapper.builder().build().readTree("""
        hosts: [reviews]
        http:
        - match: [{headers: {x-a: {exact: a}}, sourceLabels: {app: x}}]
          retries: {attempts: 1, tries: 2}
        """);
    List<String> unknown = new ArrayList<>();
    assertThat(vs.writtenPaths(spec, unknown)).containsExactly(
        "spec.hosts[]", "spec.http[]", "spec.http[].match[]", "spec.http[].match[].headers{}",
        "spec.http[].match[].headers{}.exact", "spec.http[].match[].sourceLabels{}", "spec.http[].retries",
        "spec.http[].retries.attempts");
    assertThat(unknown).containsExactly("http[0].retries.tries");
    assertThat(ApiFieldList.parent("spec.http[].retries.attempts")).isEqualTo("spec.http[].retries");
    assertThat(ApiFieldList.parent("spec.http[]")).isEqualTo("spec");
    assertThat(ApiFieldList.parent("spec")).isNull();
  }
}
