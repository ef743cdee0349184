package io.meshlet.core;

import io.meshlet.core.snapshot.MeshSnapshot;
import io.meshlet.core.snapshot.Rejection;

/**
 * Hears about config changes. Called on the mesh's control thread: must be fast, must not block and
 * must not throw (a thrown exception is logged and ignored). Both methods do nothing by default.
 */
public interface MeshListener {
  default void onSnapshot(MeshSnapshot snapshot) {}

  default void onRejection(Rejection rejection) {}
}
