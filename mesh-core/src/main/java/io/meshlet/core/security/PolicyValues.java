package io.meshlet.core.security;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The value rules of AuthorizationPolicy that translators check and the engine relies on: Istio's
 * match strings, the {@code when} keys ({@link WhenKey}, the one list of them and of what each means
 * here), ports. Shared so that the YAML and the xDS translator refuse exactly what the engine could
 * not apply, and the control plane serves what the engine would decide.
 */
public final class PolicyValues {
  /**
   * The {@code when} keys Meshlet knows, Istio's attributes of a request. Each says how its values
   * are checked ({@link #valueProblem}) and whether the server side has the attribute at all
   * ({@link #absent}: then values never match and notValues always hold). Every consumer switches
   * over all of them: the YAML parser ({@code AuthorizationPolicyParser}), the engine's compiler
   * ({@code CompiledRule}), the control plane's RBAC builder; the xDS translator reads request
   * headers back ({@link PolicyValues#requestHeaderKey}). A key added here must be decided in each.
   */
  public enum WhenKey {
    /** {@code request.headers[<name>]}: the request header's first value. */
    REQUEST_HEADER("request.headers[<name>]", ValueKind.MATCH_STRING, false, false),
    /** {@code source.ip}: the connection's peer address (as {@code ipBlocks}). */
    SOURCE_IP("source.ip", ValueKind.IP, false, false),
    /** {@code remote.ip}: the caller's address after trusted proxies (as {@code remoteIpBlocks}). */
    REMOTE_IP("remote.ip", ValueKind.IP, false, false),
    /** {@code source.namespace}: the mTLS peer's namespace (as {@code namespaces}). */
    SOURCE_NAMESPACE("source.namespace", ValueKind.MATCH_STRING, true, false),
    /** {@code source.principal}: the mTLS peer's principal (as {@code principals}). */
    SOURCE_PRINCIPAL("source.principal", ValueKind.MATCH_STRING, true, false),
    /** {@code destination.ip}: the local address the call arrived on. */
    DESTINATION_IP("destination.ip", ValueKind.IP, false, false),
    /** {@code destination.port}: the local port the call arrived on (as {@code ports}). */
    DESTINATION_PORT("destination.port", ValueKind.PORT, false, false),
    /** {@code connection.sni}: the server name the TLS client asked for; absent over plaintext or without SNI. */
    CONNECTION_SNI("connection.sni", ValueKind.MATCH_STRING, false, false),
    /**
     * {@code source.serviceAccount}: the mTLS peer's service account as {@code namespace/name} or
     * {@code name} (the policy's namespace), any trust domain (as {@code serviceAccounts}).
     */
    SOURCE_SERVICE_ACCOUNT("source.serviceAccount", ValueKind.SERVICE_ACCOUNT, true, false),
    /**
     * {@code source.trustDomain}: the trust domain of the mTLS peer's SPIFFE ID, with Istio's match
     * strings (as {@code trustDomains}); absent without mutual TLS.
     */
    SOURCE_TRUST_DOMAIN("source.trustDomain", ValueKind.TRUST_DOMAIN, true, false),
    /**
     * {@code experimental.envoy.filters.<filter>[<key>]}: Envoy's dynamic metadata of a filter, which
     * does not exist in-process: absent (values never match, notValues always hold), as Envoy's
     * metadata matcher decides for metadata no filter wrote.
     */
    ENVOY_FILTER("experimental.envoy.filters.<filter>[<key>]", ValueKind.NON_EMPTY, false, true),
    /** {@code request.auth.principal}: the validated JWT's {@code iss/sub} (as {@code requestPrincipals}). */
    REQUEST_AUTH_PRINCIPAL("request.auth.principal", ValueKind.MATCH_STRING, true, false),
    /** {@code request.auth.audiences}: any {@code aud} of the validated JWT. */
    REQUEST_AUTH_AUDIENCES("request.auth.audiences", ValueKind.MATCH_STRING, true, false),
    /** {@code request.auth.presenter}: the validated JWT's {@code azp}. */
    REQUEST_AUTH_PRESENTER("request.auth.presenter", ValueKind.MATCH_STRING, true, false),
    /** {@code request.auth.claims[<name>]}, nested {@code [a][b]}: a string claim or any string of a list claim. */
    REQUEST_AUTH_CLAIMS("request.auth.claims[<name>]", ValueKind.MATCH_STRING, true, false);

    private static final String HEADERS = "request.headers";
    private static final String ENVOY_FILTERS = "experimental.envoy.filters.";
    private static final String CLAIMS = "request.auth.claims";
    private static final String JWT = "request.auth.";

    private final String key;
    private final ValueKind values;
    private final boolean identity;
    private final boolean absent;

    WhenKey(String key, ValueKind values, boolean identity, boolean absent) {
      this.key = key;
      this.values = values;
      this.identity = identity;
      this.absent = absent;
    }

    /** The key {@code key} is an instance of ({@code request.headers[x-user]} is {@link #REQUEST_HEADER}), or null if Meshlet does not know it. */
    public static @Nullable WhenKey of(String key) {
      requireNonNull(key, "key");
      if (bracketName(key, HEADERS) != null) {
        return REQUEST_HEADER;
      }
      if (claimPath(key) != null) {
        return REQUEST_AUTH_CLAIMS;
      }
      if (key.startsWith(ENVOY_FILTERS) && mapKey(key)) {
        return ENVOY_FILTER;
      }
      for (WhenKey k : values()) {
        if (k.key.equals(key) && k.key.indexOf('<') < 0) {
          return k;
        }
      }
      return null;
    }

    /** The key as Istio writes it, {@code <name>} standing for the header or claim name. */
    public String key() {
      return key;
    }

    /**
     * Why {@code value} cannot be a value of this key, or null if it can: an IP address or CIDR
     * ({@code source.ip}, {@code remote.ip}, {@code destination.ip}), a port 1..65535 ({@code
     * destination.port}), else one of Istio's match strings ({@link PolicyValues#matchStringProblem}).
     */
    public @Nullable String valueProblem(String value) {
      return values.problem(value);
    }

    /**
     * True for an identity of the peer or of the request ({@code source.namespace}, {@code
     * source.principal}, {@code request.auth.*}), which Istio refuses in a CUSTOM policy: the
     * external authorizer cannot see it.
     */
    public boolean identity() {
      return identity;
    }

    /**
     * True if the server side never has this attribute ({@code experimental.envoy.filters.*}: there
     * is no Envoy filter metadata in-process). Its values never match and its notValues always hold.
     * ({@code request.auth.*} is present when RequestAuthentication validated a token.)
     */
    public boolean absent() {
      return absent;
    }

    /** True for the {@code request.auth.*} keys, which need a validated JWT (RequestAuthentication). */
    public boolean needsJwt() {
      return key.startsWith(JWT);
    }
  }

  /** How the values of a {@code when} key are written. */
  private enum ValueKind {
    MATCH_STRING, IP, PORT, SERVICE_ACCOUNT, TRUST_DOMAIN, NON_EMPTY;

    @Nullable String problem(String value) {
      return switch (this) {
        case IP -> ipProblem(value);
        case PORT -> portProblem(value);
        case MATCH_STRING -> matchStringProblem(value);
        case SERVICE_ACCOUNT -> serviceAccountProblem(value);
        case TRUST_DOMAIN -> trustDomainProblem(value);
        case NON_EMPTY -> value.isEmpty() ? "'' (expected: a non-empty value)" : null;
      };
    }
  }

  /** Istio's limit on the values of {@code serviceAccounts} and {@code source.serviceAccount}. */
  public static final int MAX_SERVICE_ACCOUNTS = 16;
  /** Istio's limit on the length of one service account value. */
  public static final int MAX_SERVICE_ACCOUNT_LENGTH = 320;

  /**
   * Why {@code value} is not a service account as Istio's {@code CheckServiceAccount} accepts it
   * ({@code name} or {@code namespace/name}, no {@code *}, at most {@value #MAX_SERVICE_ACCOUNT_LENGTH}
   * characters), or null if it is one.
   */
  public static @Nullable String serviceAccountProblem(String value) {
    requireNonNull(value, "value");
    String expected = " (expected: 'serviceAccount' or 'namespace/serviceAccount'";
    if (value.isEmpty()) {
      return "''" + expected + ")";
    }
    if (value.indexOf('*') >= 0) {
      return "'" + value + "'" + expected + "; wildcards are not allowed)";
    }
    int slash = value.indexOf('/');
    if (slash >= 0 && (value.indexOf('/', slash + 1) >= 0 || slash == 0 || slash == value.length() - 1)) {
      return "'" + value + "'" + expected + ")";
    }
    if (value.length() > MAX_SERVICE_ACCOUNT_LENGTH) {
      return "'" + value + "'" + expected + "; at most " + MAX_SERVICE_ACCOUNT_LENGTH + " characters)";
    }
    return null;
  }

  /**
   * Why {@code value} is not a trust domain value as Istio's {@code CheckTrustDomainValues} accepts
   * it (one of the match strings, {@link #matchStringProblem}, without {@code /}), or null if it is one.
   */
  public static @Nullable String trustDomainProblem(String value) {
    String problem = matchStringProblem(value);
    if (problem != null) {
      return problem;
    }
    return value.indexOf('/') >= 0
        ? "'" + value + "' (expected: a trust domain such as cluster.local, without '/'; a match string: exact, prefix*, *suffix or *)"
        : null;
  }

  /**
   * A service account value as {@code namespace/name}: {@code name} alone is in {@code
   * policyNamespace}, as Istio reads it. The value must have passed {@link #serviceAccountProblem}.
   */
  public static String qualifiedServiceAccount(String value, String policyNamespace) {
    return value.indexOf('/') < 0 ? policyNamespace + "/" + value : value;
  }

  /** Istio's {@code validateMapKey}: {@code a[b]} with a non-empty {@code a} and {@code b}. */
  private static boolean mapKey(String key) {
    int open = key.indexOf('[');
    return key.endsWith("]") && open > 0 && open < key.length() - 2;
  }

  /**
   * Why {@code value} cannot be a value of {@code paths}/{@code notPaths}, or null: one of Istio's
   * match strings, or a path template ({@link PathTemplate}) as Istio's {@code CheckValidPathTemplate}
   * accepts it. A {@code '{'} or {@code '}'} outside {@code {*}}/{@code {**}} is refused, as Istio refuses it.
   */
  public static @Nullable String pathProblem(String value) {
    requireNonNull(value, "value");
    if (value.indexOf('{') < 0 && value.indexOf('}') < 0) {
      return matchStringProblem(value);
    }
    return PathTemplate.problem(value);
  }

  /** The {@code when} keys Meshlet knows, as a message lists them ({@link WhenKey#key()} in order). */
  public static final List<String> WHEN_KEYS = Arrays.stream(WhenKey.values()).map(WhenKey::key).toList();

  private PolicyValues() {}

  /** The name of the header a {@link WhenKey#REQUEST_HEADER} key names ({@code request.headers[x-user]}: {@code x-user}), or null for another key. */
  public static @Nullable String requestHeader(String key) {
    return bracketName(key, WhenKey.HEADERS);
  }

  /**
   * The claim names of a {@link WhenKey#REQUEST_AUTH_CLAIMS} key: {@code request.auth.claims[a][b]}
   * is {@code [a, b]}; null for another key or an empty name.
   */
  public static @Nullable List<String> claimPath(String key) {
    String inner = bracketName(key, WhenKey.CLAIMS);
    if (inner == null) {
      return null;
    }
    List<String> names = List.of(inner.split("\\]\\[", -1));
    for (String n : names) {
      if (n.isEmpty() || n.indexOf('[') >= 0 || n.indexOf(']') >= 0) {
        return null;
      }
    }
    return names;
  }

  /** The {@code when} key of a claim path: {@code [a, b]} is {@code request.auth.claims[a][b]}. */
  public static String claimKey(List<String> names) {
    return WhenKey.CLAIMS + "[" + String.join("][", names) + "]";
  }

  /** The {@code when} key of request header {@code name}: {@code request.headers[name]}. */
  public static String requestHeaderKey(String name) {
    requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("name: '' (expected: a header name)");
    }
    return WhenKey.HEADERS + "[" + name + "]";
  }

  /**
   * Why {@code value} is not one of Istio's match strings (exact, {@code prefix*}, {@code *suffix}
   * or {@code *}), or null if it is one. Empty values are refused, as Istio refuses them.
   */
  public static @Nullable String matchStringProblem(String value) {
    requireNonNull(value, "value");
    if (value.isEmpty()) {
      return "'' (expected: a non-empty value)";
    }
    int star = value.indexOf('*');
    boolean ok = star < 0
        || value.equals("*")
        || (value.indexOf('*', star + 1) < 0 && (star == 0 || star == value.length() - 1));
    return ok ? null : "'" + value + "' (expected: an exact value, prefix*, *suffix or *; '*' only at the start or the end)";
  }

  /** Why {@code value} is not an IP address or CIDR ({@link IpBlock#parse}), or null if it is one. */
  public static @Nullable String ipProblem(String value) {
    return IpBlock.parse(value) == null ? "'" + value + "' (expected: an IP address or CIDR)" : null;
  }

  /** Why {@code value} is not a port 1..65535, or null if it is one. */
  public static @Nullable String portProblem(String value) {
    return port(value) < 0 ? "'" + value + "' (expected: a port 1..65535)" : null;
  }

  /** {@code name} of {@code prefix[name]}, or null if {@code key} is not of that shape or the name is empty. */
  static @Nullable String bracketName(String key, String prefix) {
    if (key.length() > prefix.length() + 2 && key.startsWith(prefix) && key.charAt(prefix.length()) == '['
        && key.charAt(key.length() - 1) == ']') {
      return key.substring(prefix.length() + 1, key.length() - 1);
    }
    return null;
  }

  /** The port {@code value} names (1..65535), or -1. */
  public static int port(String value) {
    if (value.isEmpty() || value.length() > 5) {
      return -1;
    }
    int v = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v >= 1 && v <= 65535 ? v : -1;
  }
}
