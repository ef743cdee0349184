package io.meshlet.core.config.istio;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshlet.core.config.ConfigProblem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13's proof: every field of every kind (istio/api's lists in {@code istio-api-fields/}) is
 * accepted by the parser — applied, parsed and not applied, or not supported in-process, never an
 * unknown field — and {@code docs/configuration-fields.md} says which, as the parser does.
 * {@code -Dmeshlet.regenerate=true} rewrites that page instead of comparing it.
 */
class FieldCatalogueTest {
  static final List<String> KINDS = List.of(
      "ServiceEntry", "VirtualService", "DestinationRule", "Sidecar", "PeerAuthentication", "AuthorizationPolicy",
      "RequestAuthentication", "Telemetry", "CircuitBreaker", "RateLimit", "WorkloadEntry", "WorkloadGroup");
  /** Kinds Meshlet accepts with a warning and does not read: kind, apiVersion. */
  static final List<String[]> WARNED_KINDS = List.of(
      new String[] {"Gateway", "networking.istio.io/v1"},
      new String[] {"EnvoyFilter", "networking.istio.io/v1alpha3"},
      new String[] {"ProxyConfig", "networking.istio.io/v1beta1"},
      new String[] {"WasmPlugin", "extensions.istio.io/v1alpha1"});
  private static final Path DOCS = Path.of("..", "docs");
  private static final List<FieldCatalogue> CATALOGUES = new ArrayList<>();

  @BeforeAll
  static void parseEveryKind() {
    for (String kind : KINDS) {
      CATALOGUES.add(FieldCatalogue.of(kind));
    }
  }

  @Test
  void theParserAcceptsEveryFieldOfEveryKind() {
    List<String> errors = new ArrayList<>();
    CATALOGUES.forEach(c -> errors.addAll(c.errors));
    assertThat(errors).as("fields of istio/api that Meshlet refuses (an unknown field must be applied or reported as not applied)")
        .isEmpty();
  }

  @Test
  void theEveryFieldDocumentsWriteEveryFieldOfTheLists() {
    List<String> unwritten = new ArrayList<>();
    List<String> notInList = new ArrayList<>();
    for (FieldCatalogue c : CATALOGUES) {
      c.unwritten.forEach(p -> unwritten.add(c.kind + " " + p));
      c.notInList.forEach(p -> notInList.add(c.kind + " " + p));
    }
    assertThat(unwritten).as("fields of istio-api-fields/<Kind>.txt that no every-field/<Kind>.yaml document sets").isEmpty();
    assertThat(notInList).as("fields the every-field documents set that istio-api-fields/<Kind>.txt does not list").isEmpty();
  }

  @Test
  void everyStatusTheParserReportsNamesAFieldOfTheLists() {
    List<String> stray = new ArrayList<>();
    List<String> neverRead = new ArrayList<>();
    for (FieldCatalogue c : CATALOGUES) {
      c.strayStatuses.forEach(p -> stray.add(c.kind + " " + p));
      c.neverRead.forEach(p -> neverRead.add(c.kind + " " + p));
    }
    assertThat(stray).as("not-applied reports at paths that are no field of the kind's list").isEmpty();
    assertThat(neverRead).as("fields accepted without a status and never read (dropped silently)").isEmpty();
  }

  @Test
  void theKnownGapsAreStillRefused() {
    List<String> accepted = new ArrayList<>();
    CATALOGUES.forEach(c -> c.acceptedAfterAll.forEach(p -> accepted.add(c.kind + " " + p)));
    assertThat(accepted).as("fields of every-field/<Kind>.refused.yaml the parser now accepts: move them to <Kind>.yaml and regenerate")
        .isEmpty();
  }

  @Test
  void theFieldStatusPageIsWhatTheParserDoes() throws IOException {
    String generated = FieldCatalogueMarkdown.render(CATALOGUES, warnedKinds(), apiCommit());
    Path page = DOCS.resolve("configuration-fields.md");
    if (Boolean.getBoolean("meshlet.regenerate")) {
      Files.writeString(page, generated, StandardCharsets.UTF_8);
      return;
    }
    String current = Files.exists(page) ? Files.readString(page, StandardCharsets.UTF_8) : "";
    List<String> want = generated.lines().toList();
    List<String> have = current.lines().toList();
    List<String> differ = new ArrayList<>();
    for (String line : want) {
      if (!have.contains(line)) {
        differ.add("parser says:  " + line);
      }
    }
    for (String line : have) {
      if (!want.contains(line)) {
        differ.add("page says:    " + line);
      }
    }
    assertThat(differ).as("docs/configuration-fields.md disagrees with the parser; rewrite it with -Dmeshlet.regenerate=true")
        .isEmpty();
    assertThat(current).isEqualTo(generated);
  }

  /**
   * The hand-written tables of docs/configuration.md agree with the catalogue: a row naming one field
   * says the status the parser gives it. The row's field is found as the shortest catalogue path
   * ending with it (so {@code retries.attempts} is {@code spec.http[].retries.attempts}, a
   * DestinationRule field the one of the top-level traffic policy).
   */
  @Test
  void theConfigurationReferenceTablesSayWhatTheParserDoes() throws IOException {
    String reference = Files.readString(DOCS.resolve("configuration.md"), StandardCharsets.UTF_8);
    List<String> disagree = new ArrayList<>();
    int checked = 0;
    for (ReferenceTables.FieldRow row : ReferenceTables.rows(reference)) {
      String docStatus = ReferenceTables.statusClass(row.status());
      List<FieldCatalogue.Row> candidates = CATALOGUES.stream().filter(c -> c.kind.equals(row.kind())).findFirst().orElseThrow()
          .rows.stream().filter(r -> bare(r.path()).endsWith("." + bare(row.field()))).toList();
      String within = "." + sectionPath(row.section()) + ".";
      List<FieldCatalogue.Row> inSection = candidates.stream().filter(r -> bare(r.path()).contains(within)).toList();
      FieldCatalogue.Row match = (inSection.isEmpty() ? candidates : inSection).stream()
          .min(java.util.Comparator.comparingInt(r -> r.path().length()))
          .orElse(null);
      if (docStatus == null || match == null || match.status().equals(FieldCatalogue.REFUSED)) {
        continue;
      }
      checked++;
      if (!docStatus.equals(match.status())) {
        disagree.add("configuration.md:" + row.line() + " " + row.kind() + " `" + row.field() + "` says " + row.status()
            + "; the parser: " + match.status() + " (" + match.path() + ")");
      }
    }
    assertThat(disagree).as("rows of docs/configuration.md whose status is not the parser's").isEmpty();
    assertThat(checked).as("rows of docs/configuration.md checked").isGreaterThan(100);
  }

  /** The field a section heading is about: its backticked path ({@code `http[].match[]` blocks}), else its first word. */
  private static String sectionPath(String heading) {
    java.util.regex.Matcher m = Pattern.compile("`([^`]+)`").matcher(heading);
    return bare(m.find() ? m.group(1) : heading.split(" ")[0]);
  }

  private static String bare(String path) {
    return path.replace("[]", "").replace("{}", "");
  }

  @Test
  void theConfigurationReferenceLinksTheFieldStatusPage() throws IOException {
    String reference = Files.readString(DOCS.resolve("configuration.md"), StandardCharsets.UTF_8);
    assertThat(reference).contains("## Field status").contains("(configuration-fields.md)");
  }

  /** Each kind Meshlet does not read gives one warning naming why, and no error. */
  static List<String[]> warnedKinds() {
    List<String[]> rows = new ArrayList<>();
    for (String[] k : WARNED_KINDS) {
      IstioYaml.ParseResult r = Yaml.parse("apiVersion: " + k[1] + "\nkind: " + k[0] + "\nmetadata: {name: x}\nspec: {}\n");
      assertThat(r.errors()).as(k[0]).isEmpty();
      assertThat(r.warnings()).as(k[0]).hasSize(1);
      ConfigProblem warning = r.warnings().get(0);
      rows.add(new String[] {k[0], FieldCatalogueMarkdown.status(FieldLog.Status.NOT_IN_PROCESS), warning.message()});
    }
    return rows;
  }

  static String apiCommit() {
    Matcher m = Pattern.compile("commit ([0-9a-f]{40})").matcher(FieldCatalogue.resource("/istio-api-fields/README.md"));
    assertThat(m.find()).as("istio-api-fields/README.md names the istio/api commit").isTrue();
    return m.group(1);
  }
}
