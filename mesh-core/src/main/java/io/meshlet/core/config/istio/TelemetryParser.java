package io.meshlet.core.config.istio;

import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.ResourceOrigin;
import io.meshlet.core.model.TelemetryPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * {@code Telemetry.spec} of {@code telemetry.istio.io/v1} (or {@code v1alpha1}): {@code selector},
 * {@code tracing[]} ({@code randomSamplingPercentage}, {@code disableSpanReporting}), {@code
 * accessLogging[]} ({@code disabled}, {@code filter.expression} of the form {@code response.code
 * <op> <number>}) and {@code metrics[].overrides[]} ({@code match.metric}, {@code disabled}, {@code
 * tagOverrides} with {@code REMOVE}, or {@code UPSERT} of a string literal). Everything else Istio
 * defines is validated and reported as not yet applied (providers, custom tags, reporting interval,
 * target refs, other CEL expressions, client-only or server-only matches).
 */
final class TelemetryParser {
  static final List<String> METRICS = List.of("ALL_METRICS", "REQUEST_COUNT", "REQUEST_DURATION", "REQUEST_SIZE",
      "RESPONSE_SIZE", "TCP_OPENED_CONNECTIONS", "TCP_CLOSED_CONNECTIONS", "TCP_SENT_BYTES", "TCP_RECEIVED_BYTES",
      "GRPC_REQUEST_MESSAGES", "GRPC_RESPONSE_MESSAGES");
  private static final List<String> MODES = List.of("CLIENT_AND_SERVER", "CLIENT", "SERVER");
  private static final List<String> OPERATIONS = List.of("UPSERT", "REMOVE");
  private static final Pattern STATUS_FILTER = Pattern.compile("\\s*response\\.code\\s*(>=|<=|==|!=|>|<)\\s*(\\d{1,3})\\s*");
  private static final Pattern LITERAL = Pattern.compile("\\s*(?:'([^'\\\\]*)'|\"([^\"\\\\]*)\")\\s*");

  private TelemetryParser() {}

  static TelemetryPolicy parse(YamlObject spec, ResourceId id, ResourceOrigin origin) {
    Problems problems = spec.problems();
    Map<String, String> selector = PeerAuthenticationParser.selector(spec);
    if (spec.has("targetRef")) {
      problems.notYetApplied(spec.path("targetRef"), "not yet applied by Meshlet (use selector)");
      targetRef(spec.object("targetRef"));
    }
    if (spec.has("targetRefs")) {
      problems.notYetApplied(spec.path("targetRefs"), "not yet applied by Meshlet (use selector)");
      spec.objects("targetRefs").forEach(TelemetryParser::targetRef);
    }
    Double sampling = null;
    Boolean disableSpans = null;
    for (YamlObject t : spec.objects("tracing")) {
      mode(t);
      providers(t);
      Double pct = t.number("randomSamplingPercentage", 0, 100);
      if (pct != null) {
        sampling = pct;
      }
      Boolean disable = t.bool("disableSpanReporting");
      if (disable != null) {
        disableSpans = disable;
      }
      if (t.has("customTags")) {
        // A map of tag name to {literal | environment | header}: each tag read as a mapping, none applied.
        YamlObject tags = t.object("customTags");
        if (tags != null) {
          tags.ignoreAll();
        }
        problems.notYetApplied(t.path("customTags"));
      }
      if (t.has("disableContextPropagation")) {
        t.bool("disableContextPropagation");
        problems.notYetApplied(t.path("disableContextPropagation"));
      }
      if (t.has("useRequestIdForTraceSampling")) {
        t.bool("useRequestIdForTraceSampling");
        problems.notYetApplied(t.path("useRequestIdForTraceSampling"));
      }
      if (t.has("enableIstioTags")) {
        t.bool("enableIstioTags");
        problems.notYetApplied(t.path("enableIstioTags"));
      }
    }
    Boolean logDisabled = null;
    List<String> filter = null;
    for (YamlObject a : spec.objects("accessLogging")) {
      mode(a);
      providers(a);
      Boolean disabled = a.bool("disabled");
      logDisabled = disabled != null ? disabled : Boolean.FALSE;
      YamlObject f = a.object("filter");
      if (f != null) {
        String expression = f.requiredString("expression");
        if (expression != null) {
          Matcher m = STATUS_FILTER.matcher(expression);
          if (m.matches()) {
            filter = List.of(m.group(1), m.group(2));
          } else {
            problems.notYetApplied(f.path("expression"), "'" + expression + "' is not evaluated by Meshlet (expected: "
                + "response.code <op> <number>, op one of >=, >, <=, <, ==, !=); every request is logged");
          }
        }
      }
    }
    List<TelemetryPolicy.MetricOverride> overrides = new ArrayList<>();
    for (YamlObject m : spec.objects("metrics")) {
      providers(m);
      if (m.has("reportingInterval")) {
        m.positiveDuration("reportingInterval");
        problems.notYetApplied(m.path("reportingInterval"), "not yet applied by Meshlet (the registry decides when it publishes)");
      }
      for (YamlObject o : m.objects("overrides")) {
        overrides.add(override(o, problems));
      }
    }
    return new TelemetryPolicy(id, origin, selector, sampling, disableSpans, logDisabled, filter, overrides,
        problems.notYetAppliedPaths());
  }

  private static TelemetryPolicy.MetricOverride override(YamlObject o, Problems problems) {
    String metric = "ALL_METRICS";
    YamlObject match = o.object("match");
    if (match != null) {
      String named = match.enumValue("metric", METRICS);
      if (named != null) {
        metric = named;
        if (named.startsWith("TCP_")) {
          problems.notYetApplied(match.path("metric"), "Meshlet reports no TCP metrics");
        }
      }
      if (match.has("customMetric")) {
        match.string("customMetric");
        problems.notYetApplied(match.path("customMetric"));
      }
      if (match.has("metric") && match.has("customMetric")) {
        problems.error(match.path("customMetric"), "metric and customMetric given (expected: one of them)");
      }
      matchMode(match);
    }
    Boolean disabled = o.bool("disabled");
    Map<String, String> upsert = new LinkedHashMap<>();
    List<String> remove = new ArrayList<>();
    JsonNode tags = o.node("tagOverrides");
    if (tags != null) {
      String path = o.path("tagOverrides");
      if (!tags.isObject()) {
        problems.error(path, Values.render(tags) + " (expected: a mapping of tag names to {operation, value})");
      } else {
        for (Map.Entry<String, JsonNode> e : tags.properties()) {
          String tagPath = path + "." + e.getKey();
          YamlObject tag = YamlObject.of(problems, tagPath, e.getValue());
          if (tag == null) {
            problems.error(tagPath, "null (expected: a mapping with operation and value)");
            continue;
          }
          String op = tag.enumValue("operation", OPERATIONS);
          String value = tag.string("value");
          if ("REMOVE".equals(op) || (op == null && !tag.has("operation") && value == null)) {
            if (value != null) {
              problems.error(tag.path("value"), "given with operation REMOVE (expected: no value)");
            }
            remove.add(e.getKey());
          } else if (op != null || tag.has("value")) {
            String literal = value == null ? null : literal(value);
            if (value == null) {
              problems.error(tag.path("value"), "missing (expected: the tag's value, a CEL expression)");
            } else if (literal == null) {
              problems.notYetApplied(tag.path("value"), "'" + value + "' is not evaluated by Meshlet (expected: a "
                  + "string literal such as \"'canary'\"); the tag is not added");
            } else {
              upsert.put(e.getKey(), literal);
            }
          }
        }
      }
    }
    return new TelemetryPolicy.MetricOverride(metric, disabled, upsert, remove);
  }

  private static @Nullable String literal(String expression) {
    Matcher m = LITERAL.matcher(expression);
    if (!m.matches()) {
      return null;
    }
    return m.group(1) != null ? m.group(1) : m.group(2);
  }

  /** {@code match.mode} of a tracing or access-logging entry. */
  private static void mode(YamlObject o) {
    YamlObject match = o.object("match");
    if (match != null) {
      matchMode(match);
    }
  }

  private static void matchMode(YamlObject match) {
    String mode = match.enumValue("mode", MODES);
    if (mode != null && !mode.equals("CLIENT_AND_SERVER")) {
      match.problems().notYetApplied(match.path("mode"), "'" + mode + "' is not yet applied by Meshlet (the entry "
          + "applies to client and server)");
    }
  }

  /** {@code providers[].name}: Meshlet reports to the registry, tracer and logger the application gave it. */
  private static void providers(YamlObject o) {
    List<YamlObject> providers = o.objects("providers");
    for (YamlObject p : providers) {
      p.requiredString("name");
    }
    if (!providers.isEmpty()) {
      o.problems().notYetApplied(o.path("providers"), "not yet applied by Meshlet (it reports to the meter registry, "
          + "OpenTelemetry and SLF4J logger given to Mesh.builder())");
    }
  }

  /** A {@code PolicyTargetReference}: {@code group}, {@code kind} and {@code name} (required), {@code namespace}. */
  private static void targetRef(@Nullable YamlObject ref) {
    if (ref != null) {
      ref.string("group");
      ref.requiredString("kind");
      ref.requiredString("name");
      ref.string("namespace");
    }
  }
}
