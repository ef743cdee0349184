/**
 * Istio-format YAML: the translator from Istio's {@code networking.istio.io} kinds (and Meshlet's
 * own {@code resilience.meshlet.io} kinds, written the same way) into the {@link io.meshlet.core.model} ({@link io.meshlet.core.config.istio.IstioYaml}) and a config source
 * that reads such files and watches them for changes
 * ({@link io.meshlet.core.config.istio.FileConfigSource}).
 *
 * <p>Every field an Istio user may write is read: applied fields go into the model, fields that are
 * validated but not applied yet are listed in {@code notYetApplied()} and reported as warnings, and
 * unknown fields are errors with their path.
 */
@NullMarked
package io.meshlet.core.config.istio;

import org.jspecify.annotations.NullMarked;
