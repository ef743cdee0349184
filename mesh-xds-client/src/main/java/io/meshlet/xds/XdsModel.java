package io.meshlet.xds;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.meshlet.core.model.Workload;
import io.meshlet.core.resilience.MeshTime;
import io.meshlet.core.routing.RouteTable;
import io.meshlet.core.routing.RouteTableCompiler;
import io.meshlet.core.security.InboundPolicies;
import io.meshlet.xds.translate.Translation;
import io.meshlet.xds.translate.XdsResources;
import io.meshlet.xds.translate.XdsTranslator;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * What the ADS client needs of the translation: the model of the resources, and the names they
 * reference. {@link #translate} may throw (a translator bug, a compile-stage {@code CompileFailure}):
 * the ADS client NACKs the response then.
 */
interface XdsModel {
  Translation translate(XdsResources resources);

  Set<String> routeNames(Collection<Listener> listeners);

  Set<String> edsNames(Collection<Cluster> clusters);

  /** The real translation, for a workload in {@code namespace}. */
  static XdsModel of(String namespace) {
    return of(namespace, Map.of());
  }

  /** The real translation, for a workload in {@code namespace} serving on {@code serverListeners} (name → port). */
  static XdsModel of(String namespace, Map<String, Integer> serverListeners) {
    Map<String, Integer> listeners = Map.copyOf(serverListeners);
    return new XdsModel() {
      @Override
      public Translation translate(XdsResources resources) {
        Translation t = XdsTranslator.translate(resources, namespace, listeners);
        if (t.errors().isEmpty()) {
          // Compiled once before the ACK, so that what the runtime would refuse is NACKed instead
          // (throws CompileFailure, naming the resource).
          Workload probe = new Workload("xds-check", namespace, Map.of(), "");
          RouteTableCompiler.compile(0, t.config(), probe, RouteTable.EMPTY, MeshTime.system());
          InboundPolicies.compile(t.config(), probe, InboundPolicies.DEFAULT_ROOT_NAMESPACE);
        }
        return t;
      }

      @Override
      public Set<String> routeNames(Collection<Listener> listeners) {
        return XdsTranslator.routeNamesReferenced(listeners);
      }

      @Override
      public Set<String> edsNames(Collection<Cluster> clusters) {
        return XdsTranslator.edsNamesReferenced(clusters);
      }
    };
  }
}
