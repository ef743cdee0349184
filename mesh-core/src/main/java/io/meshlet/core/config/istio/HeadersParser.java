package io.meshlet.core.config.istio;

import io.meshlet.core.config.HeaderNames;
import io.meshlet.core.model.HeaderOperations;
import io.meshlet.core.model.Headers;
import org.jspecify.annotations.Nullable;

/** Istio's {@code Headers}: {@code request} and {@code response}, each with set, add and remove. */
final class HeadersParser {
  private HeadersParser() {}

  static HeaderOperations parse(@Nullable YamlObject o) {
    if (o == null) {
      return HeaderOperations.NONE;
    }
    return new HeaderOperations(operations(o.object("request")), operations(o.object("response")));
  }

  private static Headers operations(@Nullable YamlObject o) {
    if (o == null) {
      return Headers.NONE;
    }
    return new Headers(o.stringMap("set", HeaderNames::problem), o.stringMap("add", HeaderNames::problem),
        o.strings("remove", HeaderNames::problem));
  }
}
