package io.grpc.xds;

import com.google.protobuf.InvalidProtocolBufferException;
import org.jspecify.annotations.Nullable;

/**
 * grpc-java's own parser of the RBAC HTTP filter (gRFC A41), reached from its package because it is
 * package-private: the code grpc-xds runs on every RBAC filter of a server listener, whose error
 * becomes the NACK of the whole Listener. Test support only.
 */
public final class GrpcRbacParser {
  private GrpcRbacParser() {}

  /** grpc-java's error for {@code rbac} (an {@code envoy.extensions.filters.http.rbac.v3.RBAC}), or null when it accepts it. */
  public static @Nullable String problem(io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC rbac)
      throws InvalidProtocolBufferException {
    io.grpc.xds.shaded.io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC shaded =
        io.grpc.xds.shaded.io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.parseFrom(rbac.toByteString());
    ConfigOrError<RbacConfig> parsed = RbacFilter.Provider.parseRbacConfig(shaded);
    return parsed.errorDetail;
  }
}
