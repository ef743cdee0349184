package io.meshlet.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import org.jspecify.annotations.Nullable;

/** The four xDS resource types Meshlet subscribes to, in the order a client warms them. */
public enum XdsType {
  LDS("Listener", "type.googleapis.com/envoy.config.listener.v3.Listener", true, Listener.class),
  CDS("Cluster", "type.googleapis.com/envoy.config.cluster.v3.Cluster", true, Cluster.class),
  RDS("RouteConfiguration", "type.googleapis.com/envoy.config.route.v3.RouteConfiguration", false, RouteConfiguration.class),
  EDS("ClusterLoadAssignment", "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment", false,
      ClusterLoadAssignment.class);

  private final String resourceName;
  private final String typeUrl;
  private final boolean wildcard;
  private final Class<? extends Message> messageClass;

  XdsType(String resourceName, String typeUrl, boolean wildcard, Class<? extends Message> messageClass) {
    this.resourceName = resourceName;
    this.typeUrl = typeUrl;
    this.wildcard = wildcard;
    this.messageClass = messageClass;
  }

  /** {@code Listener}, {@code Cluster}, ... */
  public String resourceName() {
    return resourceName;
  }

  public String typeUrl() {
    return typeUrl;
  }

  /** Subscribed by wildcard (all resources of the type), as Envoy does for LDS and CDS. */
  boolean wildcard() {
    return wildcard;
  }

  Message unpack(Any any) throws InvalidProtocolBufferException {
    return any.unpack(messageClass);
  }

  /** The name a resource of this type is known by. */
  static String nameOf(Message m) {
    if (m instanceof Listener) {
      return ((Listener) m).getName();
    }
    if (m instanceof Cluster) {
      return ((Cluster) m).getName();
    }
    if (m instanceof RouteConfiguration) {
      return ((RouteConfiguration) m).getName();
    }
    return ((ClusterLoadAssignment) m).getClusterName();
  }

  static @Nullable XdsType ofTypeUrl(String typeUrl) {
    for (XdsType t : values()) {
      if (t.typeUrl.equals(typeUrl)) {
        return t;
      }
    }
    return null;
  }
}
