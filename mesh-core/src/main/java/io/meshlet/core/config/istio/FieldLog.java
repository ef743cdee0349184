package io.meshlet.core.config.istio;

/**
 * What a parse did with each field it found, for the field catalogue test
 * ({@code FieldCatalogueTest}) that keeps {@code docs/configuration-fields.md} in step with the parsers.
 * Paths are as {@link YamlObject} reports them (below {@code spec}, indexes and map keys as written).
 * Not an API: the default records nothing.
 */
interface FieldLog {
  FieldLog NONE = new FieldLog() {};

  /** How a field that was read is treated. */
  enum Status {
    APPLIED,
    /** Validated and reported (or, for a few fields documented as such, accepted silently), not acted on. */
    NOT_APPLIED,
    /** Cannot apply inside an application: the proxy's listeners, filters or inbound capture. */
    NOT_IN_PROCESS
  }

  /** A field present in the document was read. */
  default void read(String path) {}

  /** The field at {@code path} is not acted on, with the reason given to the user (or written in the docs). */
  default void status(String path, Status status, String reason) {}
}
