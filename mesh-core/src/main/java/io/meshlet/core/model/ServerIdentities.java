package io.meshlet.core.model;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The identities a service's servers carry, as the service registry knows them (istiod's {@code
 * PushContext.ServiceAccounts}): the ServiceEntry's {@code subjectAltNames} and the service account
 * of each of its endpoints (inline {@code endpoints[].serviceAccount}, or the selected WorkloadEntries'
 * {@code serviceAccount}), in the ServiceEntry's namespace. For {@code ISTIO_MUTUAL} without
 * DestinationRule {@code subjectAltNames}, the server must carry one of {@link #expected(String)}.
 *
 * @param subjectAltNames the ServiceEntry's {@code subjectAltNames}, as written
 * @param serviceAccounts {@code namespace/name} of each endpoint's service account, sorted, no duplicates
 */
public record ServerIdentities(List<String> subjectAltNames, List<String> serviceAccounts) {
  /** None known: any identity the mesh roots trust is accepted. */
  public static final ServerIdentities NONE = new ServerIdentities(List.of(), List.of());
  /** Istio's default {@code meshConfig.trustDomain}. */
  public static final String DEFAULT_TRUST_DOMAIN = "cluster.local";

  public ServerIdentities {
    subjectAltNames = List.copyOf(subjectAltNames);
    serviceAccounts = List.copyOf(new TreeSet<>(serviceAccounts));
    for (String account : serviceAccounts) {
      int slash = account.indexOf('/');
      if (slash <= 0 || slash == account.length() - 1 || account.indexOf('/', slash + 1) >= 0) {
        throw new IllegalArgumentException("serviceAccounts: '" + account + "' (expected: namespace/name)");
      }
    }
  }

  /** What the registry knows of {@code se}'s servers, given the endpoints it balances over. */
  public static ServerIdentities of(ServiceEntry se, List<WorkloadEndpoint> endpoints) {
    List<String> accounts = new ArrayList<>();
    for (WorkloadEndpoint e : endpoints) {
      String sa = e.serviceAccount();
      if (sa != null && !sa.isEmpty()) {
        accounts.add(se.id().namespace() + "/" + sa);
      }
    }
    if (accounts.isEmpty() && se.subjectAltNames().isEmpty()) {
      return NONE;
    }
    return new ServerIdentities(se.subjectAltNames(), accounts);
  }

  /** True when nothing is known (then the check is today's: any identity the mesh roots trust). */
  public boolean isEmpty() {
    return subjectAltNames.isEmpty() && serviceAccounts.isEmpty();
  }

  /**
   * The SANs one of which the server must present, sorted and without duplicates, as istiod builds
   * them: the {@code subjectAltNames}, and {@code spiffe://<trustDomain>/ns/<namespace>/sa/<name>}
   * for each service account.
   */
  public List<String> expected(String trustDomain) {
    requireNonNull(trustDomain, "trustDomain");
    TreeSet<String> out = new TreeSet<>(subjectAltNames);
    for (String account : serviceAccounts) {
      int slash = account.indexOf('/');
      out.add("spiffe://" + trustDomain + "/ns/" + account.substring(0, slash) + "/sa/" + account.substring(slash + 1));
    }
    return List.copyOf(out);
  }
}
