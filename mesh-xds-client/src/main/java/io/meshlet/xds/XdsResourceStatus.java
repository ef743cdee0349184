package io.meshlet.xds;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One subscribed xDS resource as the client sees it: gRPC's CSDS, for a person. {@code version} is
 * the version of the response that last carried it.
 */
public record XdsResourceStatus(
    XdsType type, String name, State state, @Nullable String version, @Nullable Instant lastUpdated, @Nullable String error) {

  public enum State {
    /** Asked for, nothing received yet. */
    REQUESTED,
    /** Received and in force. */
    ACKED,
    /** The last response carrying it was rejected; the previous one (if any) stays in force. */
    NACKED,
    /** Not received within the does-not-exist timeout, or removed by the server. */
    DOES_NOT_EXIST
  }

  @Override
  public String toString() {
    return type.resourceName() + " " + name + ": " + state + (version != null ? " (version " + version + ")" : "")
        + (error != null ? " - " + error : "");
  }
}
