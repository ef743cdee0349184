package io.meshlet.xds;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.meshlet.xds.translate.Translation;
import io.meshlet.xds.translate.XdsResources;
import io.meshlet.xds.translate.XdsTranslator;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/** What the ADS client needs of the translation: the model of the resources, and the names they reference. */
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
        return XdsTranslator.translate(resources, namespace, listeners);
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
