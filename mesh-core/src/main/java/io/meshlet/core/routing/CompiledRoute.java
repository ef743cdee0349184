package io.meshlet.core.routing;

import com.google.re2j.Pattern;
import io.meshlet.core.config.Regexes;
import io.meshlet.core.model.DirectResponse;
import io.meshlet.core.model.HeaderOperations;
import io.meshlet.core.model.HttpRedirect;
import io.meshlet.core.model.HttpRewrite;
import io.meshlet.core.model.HttpRoute;
import io.meshlet.core.model.VirtualService;
import io.meshlet.core.resilience.LocalRateLimit;
import io.meshlet.core.resilience.RoutePolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * One compiled rule of a VirtualService (or the default route of a service that has none): its
 * match blocks, its action and, for a forward, its destinations as a cumulative weight table.
 */
public final class CompiledRoute {
  /** What a matched route does with the request. */
  public enum Action {
    FORWARD,
    REDIRECT,
    DIRECT_RESPONSE
  }

  private final @Nullable VirtualService virtualService;
  private final int index;
  private final HttpRoute model;
  private final CompiledMatch[] matches;
  private final CompiledDestination[] destinations;
  private final List<CompiledDestination> destinationList;
  private final int[] cumulativeWeights;
  private final int totalWeight;
  private final @Nullable Pattern uriRegex;
  private final @Nullable String uriRegexReplacement;
  private final RoutePolicy policy;
  private final @Nullable LocalRateLimit rateLimit;
  private final List<CompiledMirror> mirrorList;
  private final @Nullable CompiledCors cors;

  CompiledRoute(
      @Nullable VirtualService virtualService,
      int index,
      HttpRoute model,
      CompiledMatch[] matches,
      CompiledDestination[] destinations,
      @Nullable LocalRateLimit rateLimit,
      CompiledMirror[] mirrors) {
    this.mirrorList = List.of(mirrors);
    this.cors = model.cors() == null ? null : new CompiledCors(model.cors());
    this.virtualService = virtualService;
    this.rateLimit = rateLimit;
    this.index = index;
    this.model = model;
    this.matches = matches;
    this.destinations = destinations;
    this.destinationList = List.of(destinations);
    this.policy = RoutePolicy.of(model);
    this.cumulativeWeights = new int[destinations.length];
    int sum = 0;
    for (int i = 0; i < destinations.length; i++) {
      sum += destinations[i].weight();
      cumulativeWeights[i] = sum;
    }
    this.totalWeight = sum;
    HttpRewrite rw = model.rewrite();
    if (rw != null && rw.uriRegexMatch() != null && rw.uriRegexRewrite() != null) {
      this.uriRegex = Regexes.compile(rw.uriRegexMatch(), false);
      this.uriRegexReplacement = javaReplacement(rw.uriRegexRewrite());
    } else {
      this.uriRegex = null;
      this.uriRegexReplacement = null;
    }
  }

  /**
   * Envoy's (RE2's) substitution syntax in Java's: {@code \1} is group 1, {@code \\} a backslash,
   * anything else literal ({@code $} included).
   */
  static String javaReplacement(String envoy) {
    StringBuilder out = new StringBuilder(envoy.length() + 8);
    for (int i = 0; i < envoy.length(); i++) {
      char c = envoy.charAt(i);
      if (c == '\\' && i + 1 < envoy.length() && Character.isDigit(envoy.charAt(i + 1))) {
        out.append('$').append(envoy.charAt(++i));
      } else if (c == '\\' && i + 1 < envoy.length() && envoy.charAt(i + 1) == '\\') {
        out.append("\\\\");
        i++;
      } else if (c == '\\' || c == '$') {
        out.append('\\').append(c);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** True if any match block accepts the request (a rule with no match block accepts all). */
  public boolean matches(RequestView req) {
    return matchingBlock(req) >= 0;
  }

  /** The index of the first match block that accepts {@code req}, 0 for a rule without blocks, -1 for none. */
  public int matchingBlock(RequestView req) {
    if (matches.length == 0) {
      return 0;
    }
    for (int i = 0; i < matches.length; i++) {
      if (matches[i].matches(req)) {
        return i;
      }
    }
    return -1;
  }

  public Action action() {
    if (model.redirect() != null) {
      return Action.REDIRECT;
    }
    if (model.directResponse() != null) {
      return Action.DIRECT_RESPONSE;
    }
    return Action.FORWARD;
  }

  /** Picks a destination by weight; {@code random} draws in {@code [0, totalWeight)}. */
  public CompiledDestination pickDestination(RandomGenerator random) {
    if (destinations.length == 1) {
      return destinations[0];
    }
    return destinations[bucketOf(random.nextInt(totalWeight))];
  }

  /**
   * The destination a weighted draw in {@code [0, totalWeight())} falls on, as {@link
   * #pickDestination} chooses it: the first {@code i} with {@code draw < cumulativeWeight(i)}.
   */
  public int bucketOf(int draw) {
    for (int i = 0; i < cumulativeWeights.length; i++) {
      if (draw < cumulativeWeights[i]) {
        return i;
      }
    }
    return cumulativeWeights.length - 1;
  }

  /**
   * The path to send upstream after {@code rewrite.uri} / {@code uriRegexRewrite}; the same string
   * when there is no rewrite. A prefix match has its prefix replaced; any other match, the whole path.
   */
  public String rewritePath(RequestView req) {
    HttpRewrite rw = model.rewrite();
    String path = req.path();
    if (rw == null) {
      return path;
    }
    if (uriRegex != null) {
      return uriRegex.matcher(path).replaceAll(uriRegexReplacement);
    }
    String uri = rw.uri();
    if (uri == null) {
      return path;
    }
    int block = matchingBlock(req);
    int prefix = block >= 0 && matches.length > 0 ? matches[block].uriPrefixLength() : -1;
    if (prefix >= 0 && prefix <= path.length()) {
      String rest = path.substring(prefix);
      if (uri.endsWith("/") && rest.startsWith("/")) {
        rest = rest.substring(1);
      }
      String out = uri + rest;
      return out.isEmpty() ? "/" : out;
    }
    return uri;
  }

  /** The authority to send ({@code rewrite.authority}), or null to keep the caller's. */
  public @Nullable String rewriteAuthority() {
    HttpRewrite rw = model.rewrite();
    return rw == null ? null : rw.authority();
  }

  /**
   * The {@code Location} of a redirect: {@code redirect.uri} replaces the whole path, {@code
   * prefixRewrite} the prefix the matching block's uri prefix matched (a block without a uri match
   * matched the prefix {@code /}, as Istio writes it for Envoy; no slash is merged, as in Envoy),
   * {@code authority}, {@code port} and {@code scheme} replace theirs; the query string is kept.
   */
  public String redirectLocation(RequestView req, @Nullable String rawQuery) {
    HttpRedirect r = model.redirect();
    if (r == null) {
      throw new IllegalStateException("not a redirect route");
    }
    String scheme = r.scheme() != null ? r.scheme() : req.scheme();
    String host = r.authority() != null ? r.authority() : req.host();
    int port;
    if (r.port() > 0) {
      port = r.port();
    } else if (r.derivePort() == HttpRedirect.DerivePort.FROM_REQUEST_PORT) {
      port = req.port();
    } else if (r.derivePort() == HttpRedirect.DerivePort.FROM_PROTOCOL_DEFAULT || r.authority() != null || r.scheme() != null) {
      port = -1; // the scheme's default: no port in the Location
    } else {
      port = req.port();
    }
    StringBuilder sb = new StringBuilder(scheme).append("://").append(host);
    boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
    if (!defaultPort && host.indexOf(':') < 0) {
      sb.append(':').append(port);
    }
    if (r.uri() != null) {
      sb.append(r.uri());
    } else if (r.prefixRewrite() != null) {
      String path = req.path();
      int block = matchingBlock(req);
      int prefix = block >= 0 && matches.length > 0 ? matches[block].uriPrefixLength() : -1;
      if (prefix < 0) {
        prefix = path.startsWith("/") ? 1 : 0; // no uri match: Istio's route matches the prefix "/"
      }
      sb.append(r.prefixRewrite()).append(prefix <= path.length() ? path.substring(prefix) : "");
    } else {
      sb.append(req.path());
    }
    if (rawQuery != null && !rawQuery.isEmpty()) {
      sb.append('?').append(rawQuery);
    }
    return sb.toString();
  }

  public int redirectCode() {
    HttpRedirect r = model.redirect();
    return r == null || r.redirectCode() == 0 ? HttpRedirect.DEFAULT_REDIRECT_CODE : r.redirectCode();
  }

  public @Nullable DirectResponse directResponse() {
    return model.directResponse();
  }

  /** The rule's mirrors, in config order. */
  public List<CompiledMirror> mirrors() {
    return mirrorList;
  }

  /** The rule's CORS policy, or null. */
  public @Nullable CompiledCors cors() {
    return cors;
  }

  /** The local rate limit on calls this rule matches, or null. */
  public @Nullable LocalRateLimit rateLimit() {
    return rateLimit;
  }

  /** The rule's timeout, retry policy and faults. */
  public RoutePolicy policy() {
    return policy;
  }

  /** The rule's own header operations (destination operations come on top). */
  public HeaderOperations headers() {
    return model.headers();
  }

  /** The VirtualService this rule belongs to; null for a service's default route. */
  public @Nullable VirtualService virtualService() {
    return virtualService;
  }

  /** The rule's index in {@code http[]}; -1 for a default route. */
  public int index() {
    return index;
  }

  public HttpRoute model() {
    return model;
  }

  /**
   * Why {@code req} matches none of this rule's blocks: one entry per block, in order, each the
   * reasons of {@code CompiledMatch.mismatch} (the same conditions, in the same order, as {@link
   * #matches}), prefixed with {@code match[i] "name": } when the rule has more than one block.
   */
  public List<String> mismatch(RequestView req) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < matches.length; i++) {
      List<String> why = matches[i].mismatch(req);
      String name = matches[i].model().name();
      String label = matches.length == 1 ? "" : "match[" + i + "]" + (name != null ? " \"" + name + "\"" : "") + ": ";
      out.add(label + String.join(", ", why));
    }
    return out;
  }

  /** The weighted destinations, in rule order. */
  public List<CompiledDestination> destinations() {
    return destinationList;
  }

  /** The sum of the weights of destinations {@code 0..i}. */
  public int cumulativeWeight(int i) {
    return cumulativeWeights[i];
  }

  /** The sum of all destination weights: weighted draws are in {@code [0, totalWeight())}. */
  public int totalWeight() {
    return totalWeight;
  }

  /**
   * {@code VirtualService default/reviews http[1] "v2-for-jason"}, with {@code (rule 0 of delegate
   * default/reviews-v2, under rule 1 of root default/reviews)} for a rule merged from a delegate, or {@code default
   * route (no VirtualService)}.
   */
  public String describe() {
    if (virtualService == null) {
      return "default route (no VirtualService)";
    }
    return virtualService.id() + " http[" + index + "]" + (model.name() != null ? " \"" + model.name() + "\"" : "")
        + (model.delegatedFrom() != null ? " (" + model.delegatedFrom() + ")" : "");
  }

  @Override
  public String toString() {
    return describe();
  }
}
