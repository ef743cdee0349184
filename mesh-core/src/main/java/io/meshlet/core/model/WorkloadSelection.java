package io.meshlet.core.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The endpoints of a ServiceEntry: those it writes in {@code endpoints}, or, with a {@code
 * workloadSelector}, one per selected WorkloadEntry. The one home of Istio's selection rule
 * ({@code serviceentry/conversion.go}), used by the route table compiler and by mesh-control-plane's
 * EDS alike: a WorkloadEntry is selected when it is in the ServiceEntry's namespace and carries every
 * label of the selector (an empty selector selects the whole namespace); entries in name order; an
 * entry whose address is a host name is selected by DNS and DNS_ROUND_ROBIN ServiceEntries only.
 * Each endpoint's port is then the compiler's rule: the entry's {@code ports[<port name>]}, else the
 * port's {@code targetPort}, else its number.
 */
public final class WorkloadSelection {
  /**
   * @param endpoints what the ServiceEntry balances over
   * @param leftOut why a matching WorkloadEntry gives no endpoint, one line each (for warnings)
   */
  public record Selected(List<WorkloadEndpoint> endpoints, List<String> leftOut) {
    public Selected {
      endpoints = List.copyOf(endpoints);
      leftOut = List.copyOf(leftOut);
    }
  }

  private WorkloadSelection() {}

  /** The endpoints of {@code se} among {@code entries} (every WorkloadEntry of the config). */
  public static Selected of(ServiceEntry se, List<WorkloadEntry> entries) {
    Map<String, String> selector = se.workloadSelector();
    if (selector == null) {
      return new Selected(se.endpoints(), List.of());
    }
    List<WorkloadEntry> matching = new ArrayList<>();
    for (WorkloadEntry we : entries) {
      if (selects(se, we)) {
        matching.add(we);
      }
    }
    matching.sort(Comparator.comparing(we -> we.id().name()));
    boolean dns = se.resolution() == ServiceEntry.Resolution.DNS || se.resolution() == ServiceEntry.Resolution.DNS_ROUND_ROBIN;
    List<WorkloadEndpoint> endpoints = new ArrayList<>(matching.size());
    List<String> leftOut = new ArrayList<>();
    for (WorkloadEntry we : matching) {
      WorkloadEndpoint e = we.endpoint();
      if (e == null) {
        continue;
      }
      if (!dns && !WorkloadEndpoint.isIpLiteral(e.address())) {
        leftOut.add("WorkloadEntry " + we.id().namespace() + "/" + we.id().name() + ": address '" + e.address()
            + "' is a host name, which only a ServiceEntry with resolution DNS takes (this one is " + se.resolution()
            + "); left out");
        continue;
      }
      endpoints.add(e);
    }
    return new Selected(endpoints, leftOut);
  }

  /** True if {@code se} has a workloadSelector that selects {@code we}: same namespace, every selector label on it. */
  public static boolean selects(ServiceEntry se, WorkloadEntry we) {
    Map<String, String> selector = se.workloadSelector();
    return selector != null && we.id().namespace().equals(se.id().namespace()) && Labels.matches(selector, we.labels());
  }
}
