package io.meshlet.core.snapshot;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One config source as the mesh sees it.
 *
 * @param version the source's version of its last accepted update, or null before the first
 * @param lastChange when the state last changed
 * @param message why the source is {@code REJECTED} or {@code FAILED}; null otherwise
 */
public record SourceStatus(String name, State state, @Nullable String version, Instant lastChange, @Nullable String message) {
  public enum State {
    /** Started, nothing delivered yet. */
    WAITING,
    /** Its last update was accepted and is in force. */
    ACTIVE,
    /** Its last update was rejected; its previous accepted update (if any) stays in force. */
    REJECTED,
    /** It cannot read its config (file missing, connection lost); its last accepted update stays in force. */
    FAILED
  }

  public SourceStatus {
    requireNonNull(name, "name");
    requireNonNull(state, "state");
    requireNonNull(lastChange, "lastChange");
  }
}
