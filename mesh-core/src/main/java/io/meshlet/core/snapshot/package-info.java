/**
 * What the mesh holds now and what it refused: the immutable, versioned {@link
 * io.meshlet.core.snapshot.MeshSnapshot}, the state of each source and the last {@link
 * io.meshlet.core.snapshot.Rejection}. Read by the actuator, the console and explain.
 */
@NullMarked
package io.meshlet.core.snapshot;

import org.jspecify.annotations.NullMarked;
