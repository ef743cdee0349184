package io.meshlet.core.pipeline;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.model.Headers;
import io.meshlet.core.routing.CompiledRoute;
import io.meshlet.core.routing.RequestView;
import org.jspecify.annotations.Nullable;

/** The matched rule answers with a redirect ({@code http[].redirect}). */
public record Redirect(CompiledRoute route) implements Routed {
  public Redirect {
    requireNonNull(route, "route");
  }

  /** The {@code Location} for {@code request}, the query string kept. */
  public String location(RequestView request, @Nullable String rawQuery) {
    return route.redirectLocation(request, rawQuery);
  }

  /** 301 unless the rule says otherwise. */
  public int code() {
    return route.redirectCode();
  }

  public Headers responseHeaderOps() {
    return route.headers().response();
  }

  @Override
  public Kind kind() {
    return Kind.REDIRECT;
  }
}
