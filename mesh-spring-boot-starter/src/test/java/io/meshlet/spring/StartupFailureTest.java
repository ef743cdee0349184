package io.meshlet.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshlet.core.MeshStartupException;
import io.meshlet.spring.app.ProductPage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.NestedExceptionUtils;

/** An invalid first config stops the application's start, naming the offending field and its path. */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureTest {
  @TempDir Path dir;

  @Test
  void anInvalidFirstConfigFailsTheStartNamingTheField(CapturedOutput output) throws IOException {
    Path config = Bookinfo.write(dir.resolve("mesh.yaml"), Bookinfo.yaml().replace("subset: v2}}]", "subset: v2}, weight: -5}]"));

    assertThatThrownBy(() -> app("mesh.config.files=" + config).run())
        .satisfies(e -> assertThat(NestedExceptionUtils.getMostSpecificCause(e))
            .isInstanceOf(MeshStartupException.class)
            .hasMessageContaining("the first config from file:" + config + " is invalid")
            .hasMessageContaining("VirtualService reviews (" + config + "): http[0].route[0].weight: -5 (expected: 0..100)"));
    assertThat(output).contains("APPLICATION FAILED TO START", "The mesh did not get a valid first config",
        "http[0].route[0].weight: -5 (expected: 0..100)", "mesh.startup.await-first-config=false");
  }

  @Test
  void withoutAWorkloadNameTheStartSaysWhichPropertyToSet() {
    assertThatThrownBy(() -> new SpringApplicationBuilder(ProductPage.class)
        .properties("spring.main.web-application-type=none", "spring.application.name=").run())
        .satisfies(e -> assertThat(NestedExceptionUtils.getMostSpecificCause(e))
            .hasMessageContaining("mesh.workload: not set"));
  }

  private static SpringApplicationBuilder app(String... properties) {
    return new SpringApplicationBuilder(ProductPage.class)
        .properties("spring.main.web-application-type=none", "spring.application.name=productpage")
        .properties(properties);
  }
}
