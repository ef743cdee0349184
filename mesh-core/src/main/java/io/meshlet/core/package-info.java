/** Meshlet's entry point: {@link io.meshlet.core.Mesh}. */
@NullMarked
package io.meshlet.core;

import org.jspecify.annotations.NullMarked;
