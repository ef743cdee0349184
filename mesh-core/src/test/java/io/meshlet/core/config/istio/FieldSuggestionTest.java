package io.meshlet.core.config.istio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FieldSuggestionTest {
  @Test
  void suggestsTheClosestKnownField() {
    assertThat(FieldSuggestion.hint("exactly", List.of("exact", "prefix", "regex"))).isEqualTo(" (did you mean exact?)");
    assertThat(FieldSuggestion.hint("wieght", List.of("destination", "weight", "headers"))).isEqualTo(" (did you mean weight?)");
  }

  @Test
  void listsTheKnownFieldsWhenNothingIsClose() {
    assertThat(FieldSuggestion.hint("tries", List.of("attempts", "perTryTimeout")))
        .isEqualTo(" (expected one of: attempts, perTryTimeout)");
    assertThat(FieldSuggestion.hint("x", List.of())).isEmpty();
  }

  @Test
  void countsATranspositionAsOneEdit() {
    assertThat(FieldSuggestion.distance("wieght", "weight")).isEqualTo(1);
    assertThat(FieldSuggestion.distance("host", "hots")).isEqualTo(1);
    assertThat(FieldSuggestion.distance("", "abc")).isEqualTo(3);
  }
}
