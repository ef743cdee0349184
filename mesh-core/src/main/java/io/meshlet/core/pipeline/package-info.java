/**
 * The one request pipeline of the mesh, transport-neutral: {@link
 * io.meshlet.core.pipeline.MeshPipeline} decides an outbound request ({@link
 * io.meshlet.core.pipeline.Routed}: passthrough, failure, local reply, redirect, or an {@link
 * io.meshlet.core.pipeline.OutboundCall} to drive) and an inbound call ({@link
 * io.meshlet.core.pipeline.InboundVerdict}); {@link io.meshlet.core.pipeline.ResponseFlag} says why
 * a call failed or changed; {@link io.meshlet.core.pipeline.CallListener} hears every call (the
 * SPI metrics, tracing and access logs are written against). Adapters only translate their
 * transport's requests in and the decisions out, and report what only they know (sizes, messages,
 * status).
 */
@NullMarked
package io.meshlet.core.pipeline;

import org.jspecify.annotations.NullMarked;
