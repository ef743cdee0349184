package io.meshlet.xds.translate;

import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.meshlet.core.model.DirectResponse;
import io.meshlet.core.model.HttpRedirect;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** A route's {@code redirect} and {@code direct_response} actions. */
final class RedirectTranslator {
  private RedirectTranslator() {}

  static @Nullable HttpRedirect redirect(RedirectAction r, String path, Problems problems) {
    String scheme = null;
    if (r.hasHttpsRedirect()) {
      scheme = r.getHttpsRedirect() ? "https" : null;
    } else if (r.hasSchemeRedirect()) {
      scheme = r.getSchemeRedirect();
    }
    String uri = null;
    String prefixRewrite = null;
    switch (r.getPathRewriteSpecifierCase()) {
      case PATH_REDIRECT:
        uri = r.getPathRedirect();
        break;
      case PREFIX_REWRITE:
        prefixRewrite = r.getPrefixRewrite();
        break;
      case REGEX_REWRITE:
        problems.error(path + ".regex_rewrite", "not supported in a redirect (expected: path_redirect)");
        return null;
      default:
        break;
    }
    if (r.getStripQuery()) {
      problems.ignored(path + ".strip_query", "the redirect keeps the query");
    }
    int code;
    switch (r.getResponseCode()) {
      case FOUND:
        code = 302;
        break;
      case SEE_OTHER:
        code = 303;
        break;
      case TEMPORARY_REDIRECT:
        code = 307;
        break;
      case PERMANENT_REDIRECT:
        code = 308;
        break;
      case MOVED_PERMANENTLY:
      default:
        code = 301;
        break;
    }
    String authority = r.getHostRedirect().isEmpty() ? null : r.getHostRedirect();
    return new HttpRedirect(uri, authority, r.getPortRedirect(), null, scheme, code, prefixRewrite);
  }

  static @Nullable DirectResponse directResponse(DirectResponseAction d, String path, Problems problems) {
    if (d.getStatus() < 200 || d.getStatus() > 599) {
      problems.error(path + ".status", d.getStatus() + " (expected: 200..599)");
      return null;
    }
    byte[] body = new byte[0];
    if (d.hasBody()) {
      switch (d.getBody().getSpecifierCase()) {
        case INLINE_STRING:
          body = d.getBody().getInlineString().getBytes(StandardCharsets.UTF_8);
          break;
        case INLINE_BYTES:
          body = d.getBody().getInlineBytes().toByteArray();
          break;
        case SPECIFIER_NOT_SET:
          break;
        default:
          problems.error(path + ".body", d.getBody().getSpecifierCase().name().toLowerCase(java.util.Locale.ROOT)
              + " is not supported (expected: inline_string or inline_bytes)");
          return null;
      }
    }
    return new DirectResponse(d.getStatus(), body);
  }
}
