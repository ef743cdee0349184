package io.meshlet.core.internal;

import io.meshlet.core.config.ConfigSink;
import io.meshlet.core.config.SourceEvent;
import io.meshlet.core.snapshot.MeshSnapshot;
import io.meshlet.core.snapshot.Rejection;

/**
 * What {@link MeshRuntime} reports, on its control thread: a snapshot published, an update
 * rejected. {@code Mesh} adapts its public {@code MeshListener}s to this, so the runtime does not
 * depend on the package above it. Must be fast and must not block; a thrown exception is logged and
 * ignored.
 */
public interface RuntimeListener {
  void onSnapshot(MeshSnapshot snapshot);

  void onRejection(Rejection rejection);

  /** A source's protocol event ({@link ConfigSink#event}); ignored by default. */
  default void onSourceEvent(SourceEvent event) {}
}
