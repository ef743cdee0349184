package io.meshlet.consul;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A service-resolver subset's {@code Filter} (Consul's bexpr over the health API's {@code Service})
 * as the endpoint labels of {@link InstanceLabels} it selects. Supported: terms joined by {@code and},
 * each {@code Service.Meta.<key> == <value>}, {@code "<tag>" in Service.Tags} or {@code Service.Tags
 * contains "<tag>"}; values bare, {@code "quoted"} or {@code `backquoted`}.
 */
final class SubsetFilters {
  static final String EXPECTED = "expected: terms joined by 'and', each Service.Meta.<key> == <value>, "
      + "\"<tag>\" in Service.Tags or Service.Tags contains \"<tag>\"";
  private static final String VALUE = "(\"[^\"]*\"|`[^`]*`|[^\\s\"`]+)";
  private static final Pattern META = Pattern.compile("Service\\.Meta\\.([A-Za-z0-9_.\\-/]+)\\s*==\\s*" + VALUE);
  private static final Pattern TAG_IN = Pattern.compile(VALUE + "\\s+in\\s+Service\\.Tags");
  private static final Pattern TAG_CONTAINS = Pattern.compile("Service\\.Tags\\s+contains\\s+" + VALUE);

  private SubsetFilters() {}

  /** The labels {@code filter} selects, or null when it is not in the supported form ({@link #EXPECTED}). */
  static @Nullable Map<String, String> labels(String filter) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (String term : filter.trim().split("\\s+and\\s+")) {
      String t = term.trim();
      Matcher m;
      if ((m = META.matcher(t)).matches()) {
        if (labels.put(m.group(1), unquote(m.group(2))) != null) {
          return null;
        }
      } else if ((m = TAG_IN.matcher(t)).matches() || (m = TAG_CONTAINS.matcher(t)).matches()) {
        labels.put(InstanceLabels.tagLabel(unquote(m.group(1))), "true");
      } else {
        return null;
      }
    }
    return labels;
  }

  private static String unquote(String v) {
    return v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '`') ? v.substring(1, v.length() - 1) : v;
  }
}
