package io.meshlet.grpc;

import io.meshlet.core.resilience.Deadline;
import io.meshlet.core.resilience.MeshTime;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** gRPC's deadlines as the mesh's. */
final class GrpcDeadlines {
  private GrpcDeadlines() {}

  /** The earlier of two gRPC deadlines, either of which may be null, as a mesh {@link Deadline} on {@code time}. */
  static @Nullable Deadline of(io.grpc.@Nullable Deadline a, io.grpc.@Nullable Deadline b, MeshTime time) {
    io.grpc.Deadline d = a == null || (b != null && b.isBefore(a)) ? b : a;
    return d == null ? null : Deadline.after(Duration.ofNanos(d.timeRemaining(TimeUnit.NANOSECONDS)), time);
  }
}
