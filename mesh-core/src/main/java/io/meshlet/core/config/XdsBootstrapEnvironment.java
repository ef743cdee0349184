package io.meshlet.core.config;

import static java.util.Objects.requireNonNull;

import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * gRPC's rule for finding the xDS bootstrap in the environment, in one place: the file named by
 * {@value #BOOTSTRAP}, else the JSON in {@value #BOOTSTRAP_CONFIG}; an empty or blank value counts
 * as unset. mesh-xds-client reads the bootstrap by it, and the Spring Boot starter decides by it
 * whether the environment's bootstrap applies.
 */
public final class XdsBootstrapEnvironment {
  /** The environment variable naming the bootstrap file. */
  public static final String BOOTSTRAP = "GRPC_XDS_BOOTSTRAP";
  /** The environment variable holding the bootstrap JSON itself; {@link #BOOTSTRAP} wins if both are set. */
  public static final String BOOTSTRAP_CONFIG = "GRPC_XDS_BOOTSTRAP_CONFIG";

  private XdsBootstrapEnvironment() {}

  /** The bootstrap file {@value #BOOTSTRAP} names, stripped; null when it is unset or blank. */
  public static @Nullable String path(Function<String, @Nullable String> env) {
    String path = requireNonNull(env, "env").apply(BOOTSTRAP);
    return path == null || path.isBlank() ? null : path.strip();
  }

  /** The JSON in {@value #BOOTSTRAP_CONFIG} when no file is named ({@link #path} wins); else null. */
  public static @Nullable String json(Function<String, @Nullable String> env) {
    if (path(env) != null) {
      return null;
    }
    String json = env.apply(BOOTSTRAP_CONFIG);
    return json == null || json.isBlank() ? null : json;
  }

  /** Whether the environment gives a bootstrap, by file or by JSON. */
  public static boolean isSet(Function<String, @Nullable String> env) {
    return path(env) != null || json(env) != null;
  }

  /** {@link #isSet(Function)} on the process environment. */
  public static boolean isSet() {
    return isSet(System::getenv);
  }
}
