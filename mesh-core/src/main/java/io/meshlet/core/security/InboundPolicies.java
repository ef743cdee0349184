package io.meshlet.core.security;

import static java.util.Objects.requireNonNull;

import io.meshlet.core.model.CompileFailure;
import io.meshlet.core.model.AuthorizationPolicy;
import io.meshlet.core.model.AuthorizationPolicy.Action;
import io.meshlet.core.model.MeshConfig;
import io.meshlet.core.model.MtlsMode;
import io.meshlet.core.model.ResourceId;
import io.meshlet.core.model.Workload;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The PeerAuthentication and AuthorizationPolicy resources that apply to this workload, compiled
 * once per snapshot. Immutable; the request path only reads it, and {@link #check} allocates
 * nothing (its decisions are built here).
 *
 * <p>Evaluation follows Istio: mutual TLS first ({@code STRICT} refuses a call without a client
 * certificate); then any matching {@code DENY} rule denies; then, if some {@code ALLOW} policy
 * applies, a call must match one of their rules; otherwise it is allowed. {@code AUDIT} never
 * changes the outcome. {@code CUSTOM} fails closed: a call matching one of its rules (checked first,
 * as Istio checks CUSTOM before DENY) is denied, since Meshlet has no external authorization. An AuthorizationPolicy applies when it sits
 * in the workload's namespace or in the root namespace and its selector (if any) matches the
 * workload's labels; one with {@code targetRefs} applies to no workload here.
 */
public final class InboundPolicies {
  /** Istio's default root namespace: policies there without a selector cover the whole mesh. */
  public static final String DEFAULT_ROOT_NAMESPACE = "istio-system";

  private static final MtlsMode[] MODES = MtlsMode.values();

  public static final InboundPolicies NONE = new InboundPolicies(
      new PeerAuthenticationResolver.Resolution(MtlsMode.PERMISSIVE, null, new int[0], new MtlsMode[0], null),
      List.of(), List.of(), List.of(), List.of(), List.of(), DryRunPolicies.NONE, JwtAuthenticator.NONE);

  private final MtlsMode mode;
  private final @Nullable ResourceId modeSource;
  private final int[] ports;
  private final MtlsMode[] portModes;
  private final @Nullable ResourceId portSource;
  /** Per port (and last: the workload's mode), the decision for a call without a client certificate under STRICT. */
  private final InboundDecision[] strictPlaintext;
  private final InboundDecision[] strictNoCertificate;

  /** CUSTOM policies: a matching rule denies (external authorization is not supported). */
  private final CompiledPolicy[] custom;
  private final CompiledPolicy[] deny;
  private final CompiledPolicy[] allow;
  private final CompiledPolicy[] audit;
  private final List<AuthorizationPolicy> notApplied;
  private final DryRunPolicies dryRun;
  private final JwtAuthenticator jwt;
  private final InboundDecision[] noAllowMatched;
  private final InboundDecision[] allowedNoAllowPolicy;
  private final boolean enforcesNothing;

  private InboundPolicies(PeerAuthenticationResolver.Resolution mtls, List<CompiledPolicy> custom, List<CompiledPolicy> deny,
      List<CompiledPolicy> allow, List<CompiledPolicy> audit, List<AuthorizationPolicy> notApplied,
      DryRunPolicies dryRun, JwtAuthenticator jwt) {
    this.mode = mtls.mode();
    this.modeSource = mtls.source();
    this.ports = mtls.ports();
    this.portModes = mtls.portModes();
    this.portSource = mtls.portSource();
    this.strictPlaintext = new InboundDecision[ports.length + 1];
    this.strictNoCertificate = new InboundDecision[ports.length + 1];
    for (int i = 0; i <= ports.length; i++) {
      ResourceId source = i < ports.length ? portSource : modeSource;
      String head = "denied: mTLS STRICT" + (source == null ? "" : " (" + source + ")")
          + (i < ports.length ? " on port " + ports[i] : "");
      strictPlaintext[i] = new InboundDecision(false, MtlsMode.STRICT, source, head + " and the call is plaintext");
      strictNoCertificate[i] = new InboundDecision(false, MtlsMode.STRICT, source,
          head + " and the call has no client certificate");
    }
    this.custom = custom.toArray(CompiledPolicy[]::new);
    this.deny = deny.toArray(CompiledPolicy[]::new);
    this.allow = allow.toArray(CompiledPolicy[]::new);
    this.audit = audit.toArray(CompiledPolicy[]::new);
    this.notApplied = List.copyOf(notApplied);
    this.dryRun = dryRun;
    this.jwt = jwt;
    this.noAllowMatched = perMode(false, null, "denied: no ALLOW policy matched (" + allow.size() + " apply: "
        + allow.stream().map(CompiledPolicy::shortName).collect(Collectors.joining(", ")) + ")");
    boolean strict = mode == MtlsMode.STRICT;
    for (MtlsMode m : portModes) {
      strict |= m == MtlsMode.STRICT;
    }
    this.enforcesNothing = !strict && custom.isEmpty() && deny.isEmpty() && allow.isEmpty() && dryRun.isEmpty()
        && jwt.isEmpty();
    this.allowedNoAllowPolicy = perMode(true, null, deny.isEmpty() && custom.isEmpty()
        ? "allowed: no AuthorizationPolicy applies"
        : "allowed: no DENY rule matched and no ALLOW policy applies");
  }

  /** The policies of {@code config} that apply to {@code workload}, with no trusted proxies. */
  public static InboundPolicies compile(MeshConfig config, Workload workload, String rootNamespace) {
    return compile(config, workload, rootNamespace, 0);
  }

  /**
   * The policies of {@code config} that apply to {@code workload}; {@code numTrustedProxies} decides
   * the remote address of {@code remoteIpBlocks} and {@code remote.ip} (see {@code
   * Mesh.Builder.numTrustedProxies}).
   */
  public static InboundPolicies compile(MeshConfig config, Workload workload, String rootNamespace,
      int numTrustedProxies) {
    return compile(config, workload, rootNamespace, numTrustedProxies, JwtKeys.OFFLINE);
  }

  /**
   * As {@link #compile(MeshConfig, Workload, String, int)}, with the RequestAuthentications that
   * apply: their remote key sets come from {@code keys} (the mesh's, kept across snapshots; {@link
   * JwtKeys#OFFLINE} never fetches).
   */
  public static InboundPolicies compile(MeshConfig config, Workload workload, String rootNamespace,
      int numTrustedProxies, JwtKeys keys) {
    requireNonNull(keys, "keys");
    if (numTrustedProxies < 0) {
      throw new IllegalArgumentException("numTrustedProxies: " + numTrustedProxies + " (expected: 0 or more)");
    }
    requireNonNull(config, "config");
    requireNonNull(workload, "workload");
    requireNonNull(rootNamespace, "rootNamespace");
    PeerAuthenticationResolver.Resolution mtls =
        PeerAuthenticationResolver.resolve(config.peerAuthentications(), workload, rootNamespace);
    List<CompiledPolicy> custom = new ArrayList<>();
    List<CompiledPolicy> deny = new ArrayList<>();
    List<CompiledPolicy> allow = new ArrayList<>();
    List<CompiledPolicy> audit = new ArrayList<>();
    List<AuthorizationPolicy> notApplied = new ArrayList<>();
    List<CompiledPolicy> dryRunDeny = new ArrayList<>();
    List<CompiledPolicy> dryRunAllow = new ArrayList<>();
    List<AuthorizationPolicy> sorted = config.authorizationPolicies().stream()
        .sorted(Comparator.comparing((AuthorizationPolicy p) -> p.id().namespace()).thenComparing(p -> p.id().name()))
        .toList();
    for (AuthorizationPolicy p : sorted) {
      if (!p.appliesTo(workload.namespace(), workload.labels(), rootNamespace)) {
        continue;
      }
      if (!p.targetRefs().isEmpty()) {
        notApplied.add(p);
        continue;
      }
      CompiledPolicy compiled;
      try {
        compiled = new CompiledPolicy(p, numTrustedProxies);
      } catch (Throwable e) {
        throw new CompileFailure(p, "authorization policy", e);
      }
      if (p.dryRun()) {
        switch (p.action()) {
          case CUSTOM, DENY -> dryRunDeny.add(compiled);
          case ALLOW -> dryRunAllow.add(compiled);
          default -> audit.add(compiled); // AUDIT never changes a decision, dry-run or not
        }
        continue;
      }
      switch (p.action()) {
        case CUSTOM -> custom.add(compiled);
        case DENY -> deny.add(compiled);
        case AUDIT -> audit.add(compiled);
        default -> allow.add(compiled);
      }
    }
    return new InboundPolicies(mtls, custom, deny, allow, audit, notApplied,
        dryRunDeny.isEmpty() && dryRunAllow.isEmpty() ? DryRunPolicies.NONE : new DryRunPolicies(dryRunDeny, dryRunAllow),
        compileJwt(config, workload, rootNamespace, keys));
  }

  private static JwtAuthenticator compileJwt(MeshConfig config, Workload workload, String rootNamespace, JwtKeys keys) {
    return JwtAuthenticator.compile(config.requestAuthentications(), workload, rootNamespace, keys);
  }

  /**
   * The RequestAuthentications that apply (JSON Web Tokens), which the pipeline runs before {@link
   * #check}; {@link JwtAuthenticator#NONE} when none does.
   */
  public JwtAuthenticator jwt() {
    return jwt;
  }

  /** The mutual TLS mode for calls arriving on {@code port}; {@code PERMISSIVE} when no policy says. */
  public MtlsMode mtlsMode(int port) {
    int i = portIndex(port);
    return i < ports.length ? portModes[i] : mode;
  }

  /** The PeerAuthentication that decided {@link #mtlsMode(int)} for {@code port}; null for the default. */
  public @Nullable ResourceId mtlsSource(int port) {
    return portIndex(port) < ports.length ? portSource : modeSource;
  }

  /**
   * True when {@link #check} allows every call and has nothing to count: no port is {@code STRICT},
   * no CUSTOM, DENY or ALLOW policy applies, enforced or in dry-run ({@code AUDIT} ones may), and no
   * RequestAuthentication checks tokens. Adapters may then skip building the request view
   * and asking (the decision would be {@code allowed: no AuthorizationPolicy applies} or its AUDIT
   * variant); decided once per snapshot.
   */
  public boolean enforcesNothing() {
    return enforcesNothing;
  }

  /**
   * Checks a call: mutual TLS mode first, then authorization. The policies in dry-run are evaluated
   * beside the enforced ones (once mutual TLS admitted the call) and their would-be decisions
   * counted ({@link #dryRunCounts()}) and logged; they never change the decision returned.
   */
  public InboundDecision check(InboundRequest request) {
    return check(request, true);
  }

  /**
   * The decision refusing {@code request} for mutual TLS ({@code STRICT} and no client certificate),
   * or null when mutual TLS admits it: checked before anything else, RequestAuthentication included.
   */
  public @Nullable InboundDecision mtlsRefusal(InboundRequest request) {
    int portIndex = portIndex(request.destinationPort());
    MtlsMode m = portIndex < ports.length ? portModes[portIndex] : mode;
    if (m == MtlsMode.STRICT && request.peer() == null) {
      return request.secure() ? strictNoCertificate[portIndex] : strictPlaintext[portIndex];
    }
    return null;
  }

  private InboundDecision check(InboundRequest request, boolean countDryRun) {
    int portIndex = portIndex(request.destinationPort());
    MtlsMode m = portIndex < ports.length ? portModes[portIndex] : mode;
    if (m == MtlsMode.STRICT && request.peer() == null) {
      return request.secure() ? strictNoCertificate[portIndex] : strictPlaintext[portIndex];
    }
    if (countDryRun && !dryRun.isEmpty()) {
      dryRun.record(request);
    }
    for (CompiledPolicy p : custom) {
      int rule = p.firstMatch(request);
      if (rule >= 0) {
        return p.decision(rule, m);
      }
    }
    for (CompiledPolicy p : deny) {
      int rule = p.firstMatch(request);
      if (rule >= 0) {
        return p.decision(rule, m);
      }
    }
    if (allow.length == 0) {
      return allowedNoAllowPolicy[m.ordinal()];
    }
    for (CompiledPolicy p : allow) {
      int rule = p.firstMatch(request);
      if (rule >= 0) {
        return p.decision(rule, m);
      }
    }
    return noAllowMatched[m.ordinal()];
  }

  /** {@link #check} with its reasons: each applicable policy and, per rule, whether it matched and why not. */
  public InboundExplanation explain(InboundRequest request) {
    List<String> steps = new ArrayList<>();
    int port = request.destinationPort();
    ResourceId source = mtlsSource(port);
    steps.add("mTLS " + mtlsMode(port) + " on port " + port + " ("
        + (source == null ? "default: no PeerAuthentication applies" : source) + "); "
        + (request.peer() != null ? "peer " + request.peer().principal()
            : request.secure() ? "TLS without a client certificate" : "plaintext"));
    for (AuthorizationPolicy p : notApplied) {
      steps.add(p.action() + " " + p.id() + ": not applied (it names targetRefs " + p.targetRefs() + ")");
    }
    if (!jwt.isEmpty() && mtlsRefusal(request) == null) {
      steps.addAll(jwt.describe());
      JwtResult auth = jwt.authenticate(request);
      if (auth.refused()) {
        steps.add("JWT refused by " + auth.source() + ": " + auth.failure());
        return new InboundExplanation(new InboundDecision(false, mtlsMode(port), auth.source(),
            "denied: JWT refused by " + auth.source() + ": " + auth.failure()), steps, null);
      }
      RequestAuth a = auth.auth();
      steps.add(a == null ? "no JWT: no request principal" : "JWT valid (" + auth.source() + "): request principal "
          + a.principal() + ", audiences " + a.audiences() + (a.presenter() == null ? "" : ", presenter " + a.presenter()));
      request = auth.applyTo(request);
    }
    for (CompiledPolicy[] group : new CompiledPolicy[][] {custom, deny, allow, audit}) {
      for (CompiledPolicy p : group) {
        describe(p, request, steps);
      }
    }
    for (CompiledPolicy[] group : new CompiledPolicy[][] {dryRun.denyPolicies(), dryRun.allowPolicies()}) {
      for (CompiledPolicy p : group) {
        describe(p, request, steps);
      }
    }
    if (custom.length + deny.length + allow.length + audit.length == 0 && dryRun.isEmpty()) {
      steps.add("no AuthorizationPolicy applies");
    }
    InboundDecision wouldBe = dryRun.wouldBe(request);
    return new InboundExplanation(check(request, false), steps, wouldBe); // explain counts nothing
  }

  /**
   * How often each would-be decision of the policies in dry-run happened since this snapshot was
   * compiled, in evaluation order; empty when no policy is in dry-run.
   */
  public List<DryRunCount> dryRunCounts() {
    return dryRun.counts();
  }

  private static void describe(CompiledPolicy p, InboundRequest request, List<String> steps) {
    String head = (p.policy.dryRun() ? "dry-run " : "") + p.policy.action() + " " + p.id();
    if (p.rules.length == 0) {
      steps.add(head + ": no rules, matches nothing");
      return;
    }
    for (int i = 0; i < p.rules.length; i++) {
      String why = p.rules[i].mismatch(request);
      String evidence = why == null ? p.rules[i].jwtEvidence(request) : null;
      steps.add(head + " rules[" + i + "]: " + (why == null ? "matches" + (evidence == null ? "" : " (" + evidence + ")")
          : "no match: " + why));
    }
  }

  /** The policies in force, for operators: {@code DENY AuthorizationPolicy default/x}, in evaluation order. */
  public List<String> describe() {
    List<String> out = new ArrayList<>();
    out.add("mTLS " + mode + (modeSource == null ? " (default)" : " (" + modeSource + ")"));
    for (int i = 0; i < ports.length; i++) {
      out.add("mTLS " + portModes[i] + " on port " + ports[i] + " (" + portSource + ")");
    }
    for (CompiledPolicy[] group : new CompiledPolicy[][] {custom, deny, allow, audit, dryRun.denyPolicies(),
        dryRun.allowPolicies()}) {
      for (CompiledPolicy p : group) {
        out.add((p.policy.dryRun() ? "dry-run " : "") + p.policy.action() + " " + p.id());
      }
    }
    return out;
  }

  private int portIndex(int port) {
    for (int i = 0; i < ports.length; i++) {
      if (ports[i] == port) {
        return i;
      }
    }
    return ports.length;
  }

  /** One decision per mutual TLS mode, indexed by ordinal. */
  static InboundDecision[] perMode(boolean allowed, @Nullable ResourceId policy, String reason) {
    InboundDecision[] out = new InboundDecision[MODES.length];
    for (MtlsMode m : MODES) {
      out[m.ordinal()] = new InboundDecision(allowed, m, policy, reason);
    }
    return out;
  }
}
