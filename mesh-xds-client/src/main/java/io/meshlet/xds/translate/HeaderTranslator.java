package io.meshlet.xds.translate;

import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.meshlet.core.model.HeaderOperations;
import io.meshlet.core.model.Headers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code request_headers_to_add} and friends as Istio's header operations: a value that replaces
 * ({@code append: false}, OVERWRITE_IF_EXISTS_OR_ADD) is {@code set}, one that appends is {@code add}.
 */
final class HeaderTranslator {
  private static final Pattern COMMAND = Pattern.compile("%[A-Z_]+(\\(.*\\))?%");

  private HeaderTranslator() {}

  static HeaderOperations translate(
      List<HeaderValueOption> requestAdd, List<String> requestRemove,
      List<HeaderValueOption> responseAdd, List<String> responseRemove, String path, Problems problems) {
    Headers request = headers(requestAdd, requestRemove, path + ".request_headers_to_add", problems);
    Headers response = headers(responseAdd, responseRemove, path + ".response_headers_to_add", problems);
    return request.isEmpty() && response.isEmpty() ? HeaderOperations.NONE : new HeaderOperations(request, response);
  }

  private static Headers headers(List<HeaderValueOption> add, List<String> remove, String path, Problems problems) {
    if (add.isEmpty() && remove.isEmpty()) {
      return Headers.NONE;
    }
    Map<String, String> set = new LinkedHashMap<>();
    Map<String, String> append = new LinkedHashMap<>();
    for (int i = 0; i < add.size(); i++) {
      HeaderValueOption o = add.get(i);
      String p = path + "[" + i + "]";
      String key = o.getHeader().getKey();
      String value = o.getHeader().getValue();
      if (COMMAND.matcher(value).find()) {
        problems.warning(p + ".header.value", "'" + value + "' holds an Envoy command operator; Meshlet sends it as written");
      }
      boolean appends;
      if (o.hasAppend()) {
        appends = o.getAppend().getValue();
      } else {
        switch (o.getAppendAction()) {
          case APPEND_IF_EXISTS_OR_ADD:
            appends = true;
            break;
          case OVERWRITE_IF_EXISTS_OR_ADD:
            appends = false;
            break;
          default:
            problems.ignored(p + ".append_action", o.getAppendAction() + " has no Istio equivalent (expected: APPEND_IF_EXISTS_OR_ADD or OVERWRITE_IF_EXISTS_OR_ADD)");
            continue;
        }
      }
      (appends ? append : set).put(key, value);
    }
    return new Headers(set, append, remove);
  }
}
