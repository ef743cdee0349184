/**
 * The mesh's telemetry, as listeners on the pipeline's events ({@link
 * io.meshlet.core.pipeline.CallListener}): Istio's standard metrics through Micrometer ({@link
 * io.meshlet.core.telemetry.IstioMetrics}), client and server spans through the OpenTelemetry API
 * ({@link io.meshlet.core.telemetry.MeshTracing}), the access log ({@link
 * io.meshlet.core.telemetry.AccessLog}), and the {@code Telemetry} resources in force ({@link
 * io.meshlet.core.telemetry.TelemetrySettings}). Fed by the pipeline only: no adapter computes a
 * label, a span or a log field.
 */
@NullMarked
package io.meshlet.core.telemetry;

import org.jspecify.annotations.NullMarked;
