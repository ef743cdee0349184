package io.meshlet.xds.bootstrap;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One entry of {@code authorities} (gRFC A47, xDS federation).
 *
 * @param clientListenerResourceNameTemplate starts with {@code xdstp://<name>/}; when the file does not
 *     give one, {@code xdstp://<name>/envoy.config.listener.v3.Listener/%s}
 * @param xdsServers the servers of this authority; empty means the top-level {@code xds_servers}
 */
public record Authority(String name, String clientListenerResourceNameTemplate, List<XdsServer> xdsServers) {
  public Authority {
    requireNonNull(name, "name");
    requireNonNull(clientListenerResourceNameTemplate, "clientListenerResourceNameTemplate");
    xdsServers = List.copyOf(xdsServers);
  }

  /** The template gRPC uses for an authority that does not give one. */
  public static String defaultClientListenerResourceNameTemplate(String name) {
    return "xdstp://" + name + "/envoy.config.listener.v3.Listener/%s";
  }
}
