package io.meshlet.core.pipeline;

/**
 * What the {@link CallListener}s captured on the thread that made an outbound call ({@link
 * MeshPipeline#captureContext()}), for an adapter that runs the call on another thread. Opaque.
 */
public final class CallerContext {
  final Object[] values;

  CallerContext(Object[] values) {
    this.values = values;
  }
}
