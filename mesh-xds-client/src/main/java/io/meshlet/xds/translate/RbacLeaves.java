package io.meshlet.xds.translate;

import io.envoyproxy.envoy.config.core.v3.CidrRange;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.extensions.path.match.uri_template.v3.UriTemplateMatchConfig;
import io.envoyproxy.envoy.type.matcher.v3.MetadataMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.matcher.v3.ValueMatcher;
import io.meshlet.core.security.PolicyValues;
import io.meshlet.xds.translate.RbacTree.Leaf;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Single RBAC matchers into Istio's match strings ({@code exact}, {@code prefix*}, {@code *suffix},
 * {@code *}), reversing Istio's generators: {@code :method}, {@code :authority}/{@code host} and
 * {@code url_path} (or {@code :path}) headers, {@code destination_port}; authenticated principal
 * names ({@code spiffe://...}, the namespace regex {@code .*\/ns/<ns>/.*} and the service account
 * regex {@code spiffe://.+/ns/<ns>/(.+/|)sa/<sa>(/.+)?}), source and remote
 * IPs, request headers. A literal ({@code exact}, {@code prefix}, {@code suffix}) with {@code *} is an
 * ERROR (it would turn into a wildcard), and every value must be a match string the YAML parser
 * would accept ({@link PolicyValues#matchStringProblem}).
 */
final class RbacLeaves {
  static final String METHODS = "methods";
  static final String HOSTS = "hosts";
  static final String PATHS = "paths";
  static final String PORTS = "ports";
  static final String PRINCIPALS = "principals";
  static final String NAMESPACES = "namespaces";
  static final String IP_BLOCKS = "ipBlocks";
  static final String REMOTE_IP_BLOCKS = "remoteIpBlocks";
  static final String REQUEST_PRINCIPALS = "requestPrincipals";
  static final String TRUST_DOMAINS = "trustDomains";
  static final String SERVICE_ACCOUNTS = "serviceAccounts";
  /** The filters whose metadata carries a validated JWT: istiod's authn filter, or Envoy's jwt_authn. */
  static final List<String> JWT_FILTERS = List.of("istio_authn", "envoy.filters.http.jwt_authn");

  private static final String SPIFFE = "spiffe://";
  private static final String NS_START = ".*/ns/";
  private static final String NS_END = "/.*";
  /** What istiod puts for the {@code *} of a prefix or suffix trust domain: {@code spiffe://<a>[^/]*<b>/.*}. */
  private static final String TD_ANY = "[^/]*";
  private static final String SA_START = SPIFFE + ".+/ns/";
  private static final String SA_SEP = "/(.+/|)sa/";
  private static final String SA_END = "(/.+)?";
  private static final String META = "\\.+*?()|[]{}^$";

  private RbacLeaves() {}

  static @Nullable Leaf permission(Permission p, String path, Problems problems) {
    if (p.getRuleCase() == Permission.RuleCase.URI_TEMPLATE) {
      return uriTemplate(p, path + ".uri_template", problems); // a template, checked as one
    }
    return checked(permission0(p, path, problems), path, problems);
  }

  static @Nullable Leaf principal(Principal p, String path, Problems problems) {
    return checked(principal0(p, path, problems), path, problems);
  }

  /**
   * {@code leaf} if its value is one of Istio's match strings (what the engine can apply), as the
   * YAML parser checks them ({@link PolicyValues#matchStringProblem}); else an ERROR at {@code path}.
   */
  private static @Nullable Leaf checked(@Nullable Leaf leaf, String path, Problems problems) {
    if (leaf == null || leaf.field().equals(PORTS) || leaf.field().equals(IP_BLOCKS) || leaf.field().equals(REMOTE_IP_BLOCKS)) {
      return leaf;
    }
    String problem = leaf.field().equals(SERVICE_ACCOUNTS) ? PolicyValues.serviceAccountProblem(leaf.value())
        : PolicyValues.matchStringProblem(leaf.value());
    if (problem != null) {
      problems.error(path, leaf.field() + ": " + problem);
      return null;
    }
    return leaf;
  }

  /**
   * {@code value}, a literal of an exact, prefix or suffix matcher, if it has no {@code *}: in an
   * Istio match string {@code *} is a wildcard, so exact {@code "*"} would become "any value" and
   * exact {@code "/a*"} a prefix. Istio never writes such a literal (it refuses {@code *} inside a
   * value). Else an ERROR at {@code path}, and null.
   */
  private static @Nullable String literal(String value, String path, Problems problems) {
    if (value.indexOf('*') >= 0) {
      problems.error(path, "'" + value + "' (expected: no '*'; it would be a wildcard in Meshlet's match strings, "
          + "and Istio never writes it in a literal)");
      return null;
    }
    return value;
  }

  /**
   * Istio's path template ({@code {*}}, {@code {**}}) as istiod's {@code permissionPathTemplate} serves it:
   * a {@code UriTemplateMatchConfig} whose {@code path_template} is the AuthorizationPolicy's value.
   */
  private static @Nullable Leaf uriTemplate(Permission p, String path, Problems problems) {
    com.google.protobuf.Any any = p.getUriTemplate().getTypedConfig();
    if (!any.is(UriTemplateMatchConfig.class)) {
      problems.error(path + ".typed_config", "'" + any.getTypeUrl() + "' (expected: " + UriTemplateMatchConfig.getDescriptor()
          .getFullName() + ")");
      return null;
    }
    String template;
    try {
      template = any.unpack(UriTemplateMatchConfig.class).getPathTemplate();
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      problems.error(path + ".typed_config", "cannot be decoded (" + e.getMessage() + ")");
      return null;
    }
    String problem = PolicyValues.pathProblem(template);
    if (problem != null || !template.contains("{")) {
      problems.error(path + ".typed_config.path_template", "'" + template + "' (expected: "
          + (problem != null ? problem : "a path template with {*} or {**}") + ")");
      return null;
    }
    return new Leaf(PATHS, template);
  }

  private static @Nullable Leaf permission0(Permission p, String path, Problems problems) {
    switch (p.getRuleCase()) {
      case HEADER: {
        String name = MatchTranslator.headerName(p.getHeader().getName(), path + ".header.name", problems);
        if (name == null) {
          return null;
        }
        String field = name.equals(":method") ? METHODS
            : name.equals(":authority") || name.equals("host") ? HOSTS
            : name.equals(":path") ? PATHS : null;
        if (field == null) {
          problems.error(path + ".header.name", "'" + name + "' (expected: :method, :authority, host or :path; request headers are "
              + "conditions on principals)");
          return null;
        }
        if (field.equals(PATHS) && !pathPrefix(p.getHeader())) {
          problems.error(path + ".header", "':path' matched by " + headerKind(p.getHeader()) + " (expected: prefix or "
              + "present_match; :path includes the query and Meshlet's paths do not, so only a prefix means the same; "
              + "use url_path)");
          return null;
        }
        String v = header(p.getHeader(), path + ".header", field.equals(HOSTS), problems);
        return v == null ? null : new Leaf(field, v);
      }
      case URL_PATH: {
        String p2 = path + ".url_path";
        if (!p.getUrlPath().hasPath()) {
          problems.error(p2, "no path matcher (expected: url_path.path)");
          return null;
        }
        String v = string(p.getUrlPath().getPath(), "", p2 + ".path", false, problems);
        return v == null ? null : new Leaf(PATHS, v);
      }
      case DESTINATION_PORT:
        return new Leaf(PORTS, Integer.toString(p.getDestinationPort()));
      case DESTINATION_IP:
        return cidr(p.getDestinationIp(), PolicyValues.WhenKey.DESTINATION_IP.key(), path + ".destination_ip", problems);
      case REQUESTED_SERVER_NAME: {
        String v = string(p.getRequestedServerName(), "", path + ".requested_server_name", false, problems);
        return v == null ? null : new Leaf(PolicyValues.WhenKey.CONNECTION_SNI.key(), v);
      }
      default:
        problems.error(path + "." + p.getRuleCase().name().toLowerCase(Locale.ROOT), "not supported (expected: header "
            + ":method/:authority/:path, url_path, uri_template, destination_port, destination_ip, requested_server_name, and_rules, "
            + "or_rules, not_rule or any)");
        return null;
    }
  }

  private static @Nullable Leaf principal0(Principal p, String path, Problems problems) {
    switch (p.getIdentifierCase()) {
      case AUTHENTICATED: {
        String p2 = path + ".authenticated.principal_name";
        if (!p.getAuthenticated().hasPrincipalName()) {
          return new Leaf(PRINCIPALS, "*"); // any authenticated peer
        }
        return authenticated(p.getAuthenticated().getPrincipalName(), p2, problems);
      }
      case DIRECT_REMOTE_IP:
        return cidr(p.getDirectRemoteIp(), IP_BLOCKS, path + ".direct_remote_ip", problems);
      case SOURCE_IP:
        return cidr(p.getSourceIp(), IP_BLOCKS, path + ".source_ip", problems);
      case REMOTE_IP:
        return cidr(p.getRemoteIp(), REMOTE_IP_BLOCKS, path + ".remote_ip", problems);
      case HEADER: {
        String name = MatchTranslator.headerName(p.getHeader().getName(), path + ".header.name", problems);
        if (name == null) {
          return null;
        }
        String v = header(p.getHeader(), path + ".header", false, problems);
        return v == null ? null : new Leaf(PolicyValues.requestHeaderKey(name), v);
      }
      case METADATA:
        return jwt(p.getMetadata(), path + ".metadata", problems);
      default:
        problems.error(path + "." + p.getIdentifierCase().name().toLowerCase(Locale.ROOT), "not supported (expected: "
            + "authenticated, direct_remote_ip, source_ip, remote_ip, header, metadata, and_ids, or_ids, not_id or any)");
        return null;
    }
  }

  /**
   * A JWT attribute as istiod writes it: metadata of the authn filter at {@code request.auth.principal}
   * (requestPrincipals), {@code request.auth.audiences}, {@code request.auth.presenter} (a string
   * match) or {@code request.auth.claims} and the claim names (a list match {@code one_of}).
   */
  private static @Nullable Leaf jwt(MetadataMatcher m, String path, Problems problems) {
    if (!JWT_FILTERS.contains(m.getFilter())) {
      problems.error(path + ".filter", "'" + m.getFilter() + "' (expected: one of " + JWT_FILTERS + ")");
      return null;
    }
    if (m.getInvert()) {
      problems.error(path + ".invert", "true (expected: false; istiod negates with not_id)");
      return null;
    }
    List<String> keys = new java.util.ArrayList<>();
    for (MetadataMatcher.PathSegment seg : m.getPathList()) {
      keys.add(seg.getKey());
    }
    String first = keys.isEmpty() ? "" : keys.get(0);
    boolean claims = first.equals("request.auth.claims") && keys.size() > 1;
    String field = switch (first) {
      case "request.auth.principal" -> keys.size() == 1 ? REQUEST_PRINCIPALS : null;
      case "request.auth.audiences", "request.auth.presenter" -> keys.size() == 1 ? first : null;
      case "request.auth.claims" -> claims ? PolicyValues.claimKey(keys.subList(1, keys.size())) : null;
      default -> null;
    };
    if (field == null || (claims && PolicyValues.claimPath(field) == null)) {
      problems.error(path + ".path", keys + " (expected: [request.auth.principal], [request.auth.audiences], "
          + "[request.auth.presenter] or [request.auth.claims, <name>...])");
      return null;
    }
    ValueMatcher value = m.getValue();
    if (claims && value.hasListMatch() && value.getListMatch().getOneOf().hasStringMatch()) {
      value = value.getListMatch().getOneOf();
    }
    if (!value.hasStringMatch()) {
      problems.error(path + ".value", "not a string match" + (claims ? " or list_match.one_of.string_match" : "")
          + " (expected: as istiod writes it)");
      return null;
    }
    String v = string(value.getStringMatch(), "", path + ".value.string_match", false, problems);
    return v == null ? null : new Leaf(field, v);
  }

  /** True for a {@code :path} header matcher that means the same on the path without the query: a prefix without {@code ?}, or present. */
  private static boolean pathPrefix(HeaderMatcher h) {
    switch (h.getHeaderMatchSpecifierCase()) {
      case PRESENT_MATCH:
        return true;
      case PREFIX_MATCH:
        return h.getPrefixMatch().indexOf('?') < 0;
      case STRING_MATCH:
        return h.getStringMatch().getMatchPatternCase() == StringMatcher.MatchPatternCase.PREFIX
            && h.getStringMatch().getPrefix().indexOf('?') < 0;
      default:
        return false;
    }
  }

  private static String headerKind(HeaderMatcher h) {
    String kind = h.getHeaderMatchSpecifierCase().name().toLowerCase(Locale.ROOT);
    return h.hasStringMatch() ? kind + " " + h.getStringMatch().getMatchPatternCase().name().toLowerCase(Locale.ROOT) : kind;
  }

  /** A principal name: {@code spiffe://td/ns/a/sa/b} as {@code td/ns/a/sa/b}, or Istio's namespace regex as a namespace. */
  private static @Nullable Leaf authenticated(StringMatcher m, String path, Problems problems) {
    if (m.getMatchPatternCase() == StringMatcher.MatchPatternCase.SAFE_REGEX) {
      String regex = m.getSafeRegex().getRegex();
      if (regex.startsWith(NS_START) && regex.endsWith(NS_END) && regex.length() > NS_START.length() + NS_END.length()) {
        String ns = regex.substring(NS_START.length(), regex.length() - NS_END.length()).replace(".*", "*");
        if (ns.matches("[a-z0-9*-]+")) {
          return new Leaf(NAMESPACES, ns);
        }
        problems.error(path + ".safe_regex.regex", "'" + regex + "' (expected: .*/ns/<namespace>/.* with a namespace name)");
        return null;
      }
    }
    String serviceAccount = serviceAccount(m);
    if (serviceAccount != null) {
      return new Leaf(SERVICE_ACCOUNTS, serviceAccount);
    }
    String trustDomain = trustDomain(m);
    if (trustDomain != null) {
      return new Leaf(TRUST_DOMAINS, trustDomain);
    }
    String v = string(m, SPIFFE, path, false, problems);
    return v == null ? null : new Leaf(PRINCIPALS, v);
  }

  /**
   * A string matcher into an Istio match string, {@code prefix} (Istio adds {@code spiffe://} to
   * principals) stripped: exact, prefix, suffix, and the regexes Istio writes for {@code *} and
   * {@code *suffix} ({@code .+}, {@code <prefix>.*<quoted suffix>}).
   */
  static @Nullable String string(StringMatcher m, String prefix, String path, boolean ignoreCaseOk, Problems problems) {
    if (m.getIgnoreCase() && !ignoreCaseOk) {
      problems.error(path + ".ignore_case", "true (expected: false; Meshlet matches these case-sensitively)");
      return null;
    }
    switch (m.getMatchPatternCase()) {
      case EXACT:
        if (m.getExact().startsWith(prefix)) {
          return literal(m.getExact().substring(prefix.length()), path + ".exact", problems);
        }
        break;
      case PREFIX:
        if (m.getPrefix().startsWith(prefix)) {
          String v = literal(m.getPrefix().substring(prefix.length()), path + ".prefix", problems);
          return v == null ? null : v + "*";
        }
        break;
      case SUFFIX:
        if (!m.getSuffix().isEmpty()) {
          String v = literal(m.getSuffix(), path + ".suffix", problems);
          return v == null ? null : "*" + v;
        }
        break;
      case SAFE_REGEX: {
        String regex = m.getSafeRegex().getRegex();
        if (regex.equals(".+") || regex.equals(".*")) {
          return "*";
        }
        String start = prefix + ".*";
        String literal = regex.startsWith(start) ? unquote(regex.substring(start.length())) : null;
        if (literal != null && !literal.isEmpty()) {
          return "*" + literal;
        }
        problems.error(path + ".safe_regex.regex", "'" + regex + "' (expected: a regex Istio writes: .+ or "
            + (prefix.isEmpty() ? "" : prefix) + ".*<literal suffix>)");
        return null;
      }
      default:
        break;
    }
    String kind = m.getMatchPatternCase().name().toLowerCase(Locale.ROOT);
    problems.error(path + "." + kind, (prefix.isEmpty() ? kind + " is not supported (expected: exact, prefix, suffix or safe_regex)"
        : "'" + valueOf(m) + "' (expected: a name starting with " + prefix + ")"));
    return null;
  }

  private static String valueOf(StringMatcher m) {
    switch (m.getMatchPatternCase()) {
      case EXACT:
        return m.getExact();
      case PREFIX:
        return m.getPrefix();
      case SUFFIX:
        return m.getSuffix();
      case CONTAINS:
        return m.getContains();
      default:
        return m.getMatchPatternCase().name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * A prefix or suffix trust domain as istiod's {@code srcTrustDomainGenerator} writes it ({@code
   * spiffe://}, the quoted text before the {@code *}, {@code [^/]*}, the quoted text after it, {@code /.*}),
   * or null. An exact or {@code *} trust domain is a
   * principal prefix ({@code spiffe://td/}, {@code spiffe://}), which reads as the same principals match.
   */
  private static @Nullable String trustDomain(StringMatcher m) {
    if (m.getMatchPatternCase() != StringMatcher.MatchPatternCase.SAFE_REGEX) {
      return null;
    }
    String regex = m.getSafeRegex().getRegex();
    int any = regex.indexOf(TD_ANY);
    if (!regex.startsWith(SPIFFE) || !regex.endsWith(NS_END) || any < 0) {
      return null;
    }
    String before = unquote(regex.substring(SPIFFE.length(), any));
    String after = unquote(regex.substring(any + TD_ANY.length(), regex.length() - NS_END.length()));
    if (before == null || after == null || before.indexOf('/') >= 0 || after.indexOf('/') >= 0
        || !before.isEmpty() && !after.isEmpty()) {
      return null;
    }
    return before + "*" + after;
  }

  /**
   * {@code namespace/name} from istiod's {@code serviceAccountRegex} ({@code
   * spiffe://.+/ns/<ns>/(.+/|)sa/<sa>(/.+)?}, any trust domain), or null when {@code m} is not one.
   * Current istiod quotes the namespace and name with {@code regexp.QuoteMeta}; earlier releases
   * wrote them raw, so an unquoted {@code .} (the only metacharacter a Kubernetes name can hold) reads
   * as the literal dot it stood for.
   */
  private static @Nullable String serviceAccount(StringMatcher m) {
    if (m.getMatchPatternCase() != StringMatcher.MatchPatternCase.SAFE_REGEX) {
      return null;
    }
    String regex = m.getSafeRegex().getRegex();
    if (!regex.startsWith(SA_START) || !regex.endsWith(SA_END)) {
      return null;
    }
    String middle = regex.substring(SA_START.length(), regex.length() - SA_END.length());
    int sep = middle.indexOf(SA_SEP);
    if (sep <= 0 || middle.indexOf(SA_SEP, sep + 1) >= 0) {
      return null;
    }
    String ns = name(middle.substring(0, sep));
    String sa = name(middle.substring(sep + SA_SEP.length()));
    return ns == null || sa == null || ns.isEmpty() || sa.isEmpty() ? null : ns + "/" + sa;
  }

  /** A namespace or service account name as istiod writes it into a regex: quoted, or raw with bare dots. */
  private static @Nullable String name(String quoted) {
    String v = unquote(quoted.replaceAll("(?<!\\\\)\\.", "\\\\."));
    return v == null || v.indexOf('/') >= 0 ? null : v;
  }

  /** The literal a Go {@code regexp.QuoteMeta} made this from, or null when it has an unquoted metacharacter. */
  private static @Nullable String unquote(String quoted) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < quoted.length(); i++) {
      char c = quoted.charAt(i);
      if (c == '\\' && i + 1 < quoted.length() && META.indexOf(quoted.charAt(i + 1)) >= 0) {
        sb.append(quoted.charAt(++i));
      } else if (META.indexOf(c) >= 0) {
        return null;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** A header matcher into an Istio match string: present is {@code *}. */
  private static @Nullable String header(HeaderMatcher h, String path, boolean ignoreCaseOk, Problems problems) {
    if (h.getInvertMatch()) {
      problems.error(path + ".invert_match", "true (expected: false; Istio negates with not_rule/not_id)");
      return null;
    }
    switch (h.getHeaderMatchSpecifierCase()) {
      case PRESENT_MATCH:
        return h.getPresentMatch() ? "*" : unsupported(path + ".present_match", "false", problems);
      case STRING_MATCH:
        return string(h.getStringMatch(), "", path + ".string_match", ignoreCaseOk, problems);
      case EXACT_MATCH:
        return literal(h.getExactMatch(), path + ".exact_match", problems);
      case PREFIX_MATCH: {
        String v = literal(h.getPrefixMatch(), path + ".prefix_match", problems);
        return v == null ? null : v + "*";
      }
      case SUFFIX_MATCH: {
        String v = literal(h.getSuffixMatch(), path + ".suffix_match", problems);
        return v == null ? null : "*" + v;
      }
      default:
        return unsupported(path + "." + h.getHeaderMatchSpecifierCase().name().toLowerCase(Locale.ROOT), "not supported", problems);
    }
  }

  private static @Nullable String unsupported(String path, String what, Problems problems) {
    problems.error(path, what + " (expected: string_match exact/prefix/suffix or present_match, as Istio generates)");
    return null;
  }

  /** A CIDR range as Istio writes ip blocks: the bare address for a single host, else {@code address/len}. */
  private static @Nullable Leaf cidr(CidrRange r, String field, String path, Problems problems) {
    String address = r.getAddressPrefix();
    if (address.isEmpty()) {
      problems.error(path + ".address_prefix", "empty (expected: an IP address)");
      return null;
    }
    int full = address.contains(":") ? 128 : 32;
    int len = r.hasPrefixLen() ? r.getPrefixLen().getValue() : full;
    if (len > full) {
      problems.error(path + ".prefix_len", len + " (expected: 0.." + full + ")");
      return null;
    }
    return new Leaf(field, len == full ? address : address + "/" + len);
  }
}
