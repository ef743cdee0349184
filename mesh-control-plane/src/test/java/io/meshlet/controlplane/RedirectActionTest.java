package io.meshlet.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.meshlet.core.model.HttpRedirect;
import org.junit.jupiter.api.Test;

/** A VirtualService redirect as Envoy's {@code RedirectAction}: {@code uri} is a path redirect, {@code prefixRewrite} a prefix rewrite. */
class RedirectActionTest {
  @Test
  void prefixRewriteIsServedAsEnvoysPrefixRewrite() {
    RedirectAction a = ActionBuilder.redirect(new HttpRedirect(null, "foo.example.com", 0, null, null, 308, "/bar"));
    assertThat(a.getPathRewriteSpecifierCase()).isEqualTo(RedirectAction.PathRewriteSpecifierCase.PREFIX_REWRITE);
    assertThat(a.getPrefixRewrite()).isEqualTo("/bar");
    assertThat(a.getHostRedirect()).isEqualTo("foo.example.com");
    assertThat(a.getResponseCode()).isEqualTo(RedirectAction.RedirectResponseCode.PERMANENT_REDIRECT);

    RedirectAction path = ActionBuilder.redirect(new HttpRedirect("/new", null, 0, null, null, 301));
    assertThat(path.getPathRewriteSpecifierCase()).isEqualTo(RedirectAction.PathRewriteSpecifierCase.PATH_REDIRECT);
    assertThat(path.getPathRedirect()).isEqualTo("/new");
  }
}
