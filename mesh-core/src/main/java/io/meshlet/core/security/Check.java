package io.meshlet.core.security;

import io.meshlet.core.identity.SpiffeId;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One compiled field of a rule ({@code from[0].source.principals}, {@code when[1]} values or
 * notValues): it holds when some value matches the request's attribute, or, for a {@code not}
 * field, when none does. An absent attribute (no peer, no header, no JWT) matches no value, so a
 * {@code not} field holds for it. Testing allocates nothing; {@link #actual} is for explain only.
 */
abstract class Check {
  private final String path;
  private final boolean not;
  private final String values;

  Check(String path, boolean not, List<?> values) {
    this.path = path;
    this.not = not;
    this.values = values.toString();
  }

  final boolean test(InboundRequest r) {
    return anyMatches(r) != not;
  }

  /** True if some value matches the request's attribute; false when the attribute is absent. */
  abstract boolean anyMatches(InboundRequest r);

  /** The request's attribute, as explain shows it. */
  abstract String actual(InboundRequest r);

  /** True for a check of the validated JWT ({@code requestPrincipals}, {@code request.auth.*}). */
  boolean isJwt() {
    return this instanceof Jwt;
  }

  /** What this check saw, for explain of a rule that matched: {@code when[0] ... values ['admin']: claim groups ['admin']}. */
  final String evidence(InboundRequest r) {
    return path + " " + values + (not ? " (not)" : "") + ": " + actual(r);
  }

  /** Why this check failed for {@code r}: {@code to[0].operation.methods ['GET'] do not match 'POST'}. */
  final String failure(InboundRequest r) {
    return path + " " + values + (not ? " match " : " do not match ") + actual(r);
  }

  private static String quote(@Nullable String s) {
    return s == null ? "absent" : "'" + s + "'";
  }

  /** {@code principals}, {@code source.principal}: the peer's identity, absent without mutual TLS. */
  static final class Principal extends Check {
    private final MatchString[] matchers;

    Principal(String path, boolean not, List<String> values) {
      super(path, not, quoted(values));
      this.matchers = compile(values, false);
    }

    @Override
    boolean anyMatches(InboundRequest r) {
      SpiffeId peer = r.peer();
      for (MatchString m : matchers) {
        if (m.matchesPrincipal(peer)) {
          return true;
        }
      }
      return false;
    }

    @Override
    String actual(InboundRequest r) {
      SpiffeId peer = r.peer();
      return peer == null ? "peer absent (no mutual TLS)" : "peer '" + peer.principal() + "'";
    }
  }

  /** {@code namespaces}, {@code source.namespace}: the peer's namespace. */
  static final class PeerNamespace extends Check {
    private final MatchString[] matchers;

    PeerNamespace(String path, boolean not, List<String> values) {
      super(path, not, quoted(values));
      this.matchers = compile(values, false);
    }

    @Override
    boolean anyMatches(InboundRequest r) {
      SpiffeId peer = r.peer();
      return peer != null && any(matchers, peer.namespace());
    }

    @Override
    String actual(InboundRequest r) {
      SpiffeId peer = r.peer();
      return peer == null ? "peer namespace absent (no mutual TLS)" : "peer namespace '" + peer.namespace() + "'";
    }
  }

  /**
   * {@code ipBlocks} (the connection's source address) or {@code remoteIpBlocks} (the remote address,
   * as Envoy's {@code xff_num_trusted_hops} picks it: with N trusted proxies the X-Forwarded-For
   * entry N from the right, else the source address; with 0 the header is never read, as the client
   * writes it).
   */
  static final class Ip extends Check {
    private final IpBlock[] blocks;
    /** Trusted proxies for a remote check (0: the header is ignored); -1 for a source check. */
    private final int hops;

    Ip(String path, boolean not, List<String> values, int hops) {
      super(path, not, values);
      this.blocks = values.stream().map(IpBlock::parse).toArray(IpBlock[]::new);
      this.hops = hops;
      for (int i = 0; i < blocks.length; i++) {
        if (blocks[i] == null) {
          throw new IllegalArgumentException(path + ": '" + values.get(i) + "' (expected: an IP address or CIDR)");
        }
      }
    }

    @Override
    boolean anyMatches(InboundRequest r) {
      if (hops > 0) {
        List<String> lines = r.headers("x-forwarded-for");
        long entry = trustedEntry(lines);
        if (entry >= 0) {
          String line = lines.get((int) (entry >>> 32));
          int start = (int) entry;
          int end = entryEnd(line, start);
          for (IpBlock b : blocks) {
            if (b.contains(line, start, end)) {
              return true;
            }
          }
          return false;
        }
      }
      String address = r.sourceAddress();
      for (IpBlock b : blocks) {
        if (b.contains(address)) {
          return true;
        }
      }
      return false;
    }

    /**
     * The entry {@link #hops} from the right of all X-Forwarded-For lines taken together (as Envoy
     * joins repeated lines with commas before counting), as {@code line index << 32 | start}; -1 when
     * the header has fewer entries or that entry is not an IP address (then the source address
     * counts, as in Envoy). Counting across lines matters: a proxy that adds a line of its own
     * instead of appending must not let the client's line be chosen.
     */
    private long trustedEntry(List<String> lines) {
      int seen = 0;
      for (int l = lines.size() - 1; l >= 0; l--) {
        String xff = lines.get(l);
        for (int i = xff.length() - 1; i >= -1; i--) {
          if (i < 0 || xff.charAt(i) == ',') {
            if (++seen == hops) {
              int start = i + 1;
              return IpBlock.isAddress(xff, start, entryEnd(xff, start)) ? (long) l << 32 | start : -1;
            }
          }
        }
      }
      return -1;
    }

    private static int entryEnd(String xff, int start) {
      int comma = xff.indexOf(',', start);
      return comma < 0 ? xff.length() : comma;
    }

    @Override
    String actual(InboundRequest r) {
      if (hops > 0) {
        List<String> lines = r.headers("x-forwarded-for");
        long entry = trustedEntry(lines);
        if (entry >= 0) {
          String line = lines.get((int) (entry >>> 32));
          int start = (int) entry;
          return "remote address '" + line.substring(start, entryEnd(line, start)).strip()
              + "' (X-Forwarded-For, " + hops + (hops == 1 ? " trusted proxy)" : " trusted proxies)");
        }
      }
      return "source address '" + r.sourceAddress() + "'";
    }
  }

  /** {@code hosts}: the Host, ignoring case; a value with {@code :port} also needs that destination port. */
  static final class Host extends Check {
    private final MatchString[] matchers;
    private final int[] ports;

    Host(String path, boolean not, List<String> values) {
      super(path, not, quoted(values));
      this.matchers = new MatchString[values.size()];
      this.ports = new int[values.size()];
      for (int i = 0; i < values.size(); i++) {
        String v = values.get(i);
        int colon = v.lastIndexOf(':');
        int port = colon < 0 || v.endsWith("*") ? -1 : PolicyValues.port(v.substring(colon + 1));
        matchers[i] = MatchString.of(port < 0 ? v : v.substring(0, colon), true);
        ports[i] = port;
      }
    }

    @Override
    boolean anyMatches(InboundRequest r) {
      for (int i = 0; i < matchers.length; i++) {
        if (matchers[i].matches(r.host()) && (ports[i] < 0 || ports[i] == r.destinationPort())) {
          return true;
        }
      }
      return false;
    }

    @Override
    String actual(InboundRequest r) {
      return "host '" + r.host() + "' on port " + r.destinationPort();
    }
  }

  /** {@code ports}, {@code destination.port}: the local port the call arrived on. */
  static final class Port extends Check {
    private final int[] ports;

    Port(String path, boolean not, List<Integer> values) {
      super(path, not, values);
      this.ports = values.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    boolean anyMatches(InboundRequest r) {
      int port = r.destinationPort();
      for (int p : ports) {
        if (p == port) {
          return true;
        }
      }
      return false;
    }

    @Override
    String actual(InboundRequest r) {
      return "port " + r.destinationPort();
    }
  }

  /**
   * {@code serviceAccounts}, {@code source.serviceAccount}: the peer's namespace and service account,
   * in any trust domain (Istio's regex {@code spiffe://.+/ns/<ns>/(.+/|)sa/<sa>(/.+)?}); values are
   * {@code namespace/name}, already qualified by the translator.
   */
  static final class ServiceAccount extends Check {
    private final String[] namespaces;
    private final String[] names;

    ServiceAccount(String path, boolean not, List<String> values) {
      super(path, not, quoted(values));
      this.namespaces = new String[values.size()];
      this.names = new String[values.size()];
      for (int i = 0; i < values.size(); i++) {
        String v = values.get(i);
        int slash = v.indexOf('/');
        if (slash <= 0 || slash == v.length() - 1 || v.indexOf('/', slash + 1) >= 0) {
          throw new IllegalArgumentException(path + ": '" + v + "' (expected: namespace/serviceAccount)");
        }
        namespaces[i] = v.substring(0, slash);
        names[i] = v.substring(slash + 1);
      }
    }

    @Override
    boolean anyMatches(InboundRequest r) {
      SpiffeId peer = r.peer();
      if (peer == null) {
        return false;
      }
      for (int i = 0; i < names.length; i++) {
        if (names[i].equals(peer.serviceAccount()) && namespaces[i].equals(peer.namespace())) {
          return true;
        }
      }
      return false;
    }

    @Override
    String actual(InboundRequest r) {
      SpiffeId peer = r.peer();
      return peer == null ? "peer service account absent (no mutual TLS)"
          : "peer service account '" + peer.namespace() + "/" + peer.serviceAccount() + "'";
    }
  }

  /**
   * {@code trustDomains}, {@code source.trustDomain}: the trust domain of the peer's SPIFFE ID with
   * Istio's match strings (exact, {@code prefix*}, {@code *suffix}, {@code *}), as istiod's matcher on
   * {@code spiffe://<trust domain>/} does; absent without mutual TLS.
   */
  static final class TrustDomain extends Check {
    private final MatchString[] matchers;

    TrustDomain(String path, boolean not, List<String> values) {
      super(path, not, quoted(values));
      this.matchers = compile(values, false);
    }

    @Override
    boolean anyMatches(InboundRequest r) {
      SpiffeId peer = r.peer();
      return peer != null && any(matchers, peer.trustDomain());
    }

    @Override
    String actual(InboundRequest r) {
      SpiffeId peer = r.peer();
      return peer == null ? "peer trust domain absent (no mutual TLS)" : "peer trust domain '" + peer.trustDomain() + "'";
    }
  }

  /** {@code destination.ip}: the local address the call arrived on; absent when the transport does not say. */
  static final class DestinationIp extends Check {
    private final IpBlock[] blocks;

    DestinationIp(String path, boolean not, List<String> values) {
      super(path, not, values);
      this.blocks = new IpBlock[values.size()];
      for (int i = 0; i < blocks.length; i++) {
        IpBlock b = IpBlock.parse(values.get(i));
        if (b == null) {
          throw new IllegalArgumentException(path + ": '" + values.get(i) + "' (expected: an IP address or CIDR)");
        }
        blocks[i] = b;
      }
    }

    @Override
    boolean anyMatches(InboundRequest r) {
      String address = r.destinationAddress();
      if (address == null) {
        return false;
      }
      for (IpBlock b : blocks) {
        if (b.contains(address)) {
          return true;
        }
      }
      return false;
    }

    @Override
    String actual(InboundRequest r) {
      String address = r.destinationAddress();
      return address == null ? "destination address absent" : "destination address '" + address + "'";
    }
  }

  /** {@code connection.sni}: match strings against the TLS client's requested server name. */
  static final class Sni extends Check {
    private final MatchString[] matchers;

    Sni(String path, boolean not, List<String> values) {
      super(path, not, quoted(values));
      this.matchers = compile(values, false);
    }

    @Override
    boolean anyMatches(InboundRequest r) {
      return any(matchers, r.sni());
    }

    @Override
    String actual(InboundRequest r) {
      String sni = r.sni();
      return sni == null ? "SNI absent (" + (r.secure() ? "the client sent none" : "plaintext") + ")" : "SNI '" + sni + "'";
    }
  }

  /** {@code methods}: exact, case-sensitive. */
  static final class Method extends Check {
    private final String[] methods;

    Method(String path, boolean not, List<String> values) {
      super(path, not, quoted(values));
      this.methods = values.toArray(String[]::new);
    }

    @Override
    boolean anyMatches(InboundRequest r) {
      String method = r.method();
      for (String m : methods) {
        if (m.equals(method)) {
          return true;
        }
      }
      return false;
    }

    @Override
    String actual(InboundRequest r) {
      return "method " + quote(r.method());
    }
  }

  /** {@code paths}: match strings or path templates ({@link PathTemplate}) against the path without its query. */
  static final class Path extends Check {
    private final MatchString[] matchers;
    private final PathTemplate[] templates;

    Path(String path, boolean not, List<String> values) {
      super(path, not, quoted(values));
      this.matchers = compile(values.stream().filter(v -> !PathTemplate.isTemplate(v)).toList(), false);
      this.templates = values.stream().filter(PathTemplate::isTemplate).map(PathTemplate::of).toArray(PathTemplate[]::new);
    }

    @Override
    boolean anyMatches(InboundRequest r) {
      String p = r.path();
      if (any(matchers, p)) {
        return true;
      }
      for (PathTemplate t : templates) {
        if (t.matches(p)) {
          return true;
        }
      }
      return false;
    }

    @Override
    String actual(InboundRequest r) {
      return "path " + quote(r.path());
    }
  }

  /** {@code request.headers[name]}: match strings against the header's first value. */
  static final class Header extends Check {
    private final String name;
    private final MatchString[] matchers;

    Header(String path, boolean not, String name, List<String> values) {
      super(path, not, quoted(values));
      this.name = name;
      this.matchers = compile(values, false);
    }

    @Override
    boolean anyMatches(InboundRequest r) {
      return any(matchers, r.header(name));
    }

    @Override
    String actual(InboundRequest r) {
      return "header " + name + " " + quote(r.header(name));
    }
  }

  /**
   * An attribute of the validated JWT ({@code requestPrincipals} and {@code request.auth.principal}:
   * {@code iss/sub}; {@code request.auth.audiences}; {@code request.auth.presenter}; {@code
   * request.auth.claims[a][b]}), matched with Istio's match strings (the same {@link MatchString} as
   * principals): a string matches, a list matches when one of its strings does (audiences, list
   * claims), anything else never does; absent without a valid token.
   */
  static final class Jwt extends Check {
    private final String label;
    private final java.util.function.Function<RequestAuth, @Nullable Object> attribute;
    private final MatchString[] matchers;

    Jwt(String path, boolean not, String label, java.util.function.Function<RequestAuth, @Nullable Object> attribute,
        List<String> values) {
      super(path, not, quoted(values));
      this.label = label;
      this.attribute = attribute;
      this.matchers = compile(values, false);
    }

    static Jwt principal(String path, boolean not, List<String> values) {
      return new Jwt(path, not, "request principal", RequestAuth::principal, values);
    }

    static Jwt claim(String path, boolean not, List<String> names, List<String> values) {
      List<String> claim = List.copyOf(names);
      return new Jwt(path, not, "claim " + String.join(".", claim), a -> a.claim(claim), values);
    }

    @Override
    boolean anyMatches(InboundRequest r) {
      RequestAuth auth = r.requestAuth();
      if (auth == null) {
        return false;
      }
      Object value = attribute.apply(auth);
      if (value instanceof String s) {
        return any(matchers, s);
      }
      if (value instanceof List<?> list) {
        for (int i = 0; i < list.size(); i++) {
          if (list.get(i) instanceof String s && any(matchers, s)) {
            return true;
          }
        }
      }
      return false;
    }

    @Override
    String actual(InboundRequest r) {
      RequestAuth auth = r.requestAuth();
      if (auth == null) {
        return label + " absent (no valid JWT)";
      }
      Object value = attribute.apply(auth);
      return label + " " + (value == null ? "absent" : value instanceof String s ? quote(s) : value.toString());
    }
  }

  /** An attribute the server side never has here ({@code experimental.envoy.filters.*}): always absent. */
  static final class Absent extends Check {
    private final String attribute;
    private final String why;

    Absent(String path, boolean not, String attribute, List<String> values, String why) {
      super(path, not, quoted(values));
      this.attribute = attribute;
      this.why = why;
    }

    @Override
    boolean anyMatches(InboundRequest r) {
      return false;
    }

    @Override
    String actual(InboundRequest r) {
      return attribute + " absent (" + why + ")";
    }
  }

  private static MatchString[] compile(List<String> values, boolean ignoreCase) {
    return values.stream().map(v -> MatchString.of(v, ignoreCase)).toArray(MatchString[]::new);
  }

  private static boolean any(MatchString[] matchers, @Nullable String value) {
    for (MatchString m : matchers) {
      if (m.matches(value)) {
        return true;
      }
    }
    return false;
  }

  private static List<String> quoted(List<String> values) {
    return values.stream().map(v -> "'" + v + "'").toList();
  }

  @Override
  public String toString() {
    return path + (not ? " (not) " : " ") + values;
  }
}
