package io.meshlet.core.config;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * What a source that talks to a server reports beside its updates, for the mesh's health meters:
 * for xDS, a response of one resource type ACKed or NACKed, the stream up or down.
 *
 * @param source the source's name ({@code xds:istiod:15010})
 * @param resourceType the resource type short name ({@code LDS}, {@code RDS}, {@code CDS}, {@code EDS}), empty for stream events
 * @param detail the version ACKed or NACKed, or why the stream went down; may be null
 */
public record SourceEvent(String source, Kind kind, String resourceType, @Nullable String detail) {
  public enum Kind {
    /** A response was accepted (xDS ACK). */
    ACK,
    /** A response was rejected (xDS NACK); the last accepted resources stay. */
    NACK,
    /** The stream to the server delivered its first response. */
    CONNECTED,
    /** The stream to the server ended; the source reconnects. */
    DISCONNECTED
  }

  public SourceEvent {
    requireNonNull(source, "source");
    requireNonNull(kind, "kind");
    requireNonNull(resourceType, "resourceType");
  }
}
