package io.meshlet.core.config;

/** Where a source delivers its updates. Thread-safe; never blocks the caller on validation. */
public interface ConfigSink {
  void accept(SourceUpdate update);

  /** The source could not read its config at all (file gone, connection lost). Its last good config stays. */
  void sourceFailed(String source, String reason);

  /** A protocol event of the source (xDS ACK, NACK, stream up or down), for health meters; ignored by default. */
  default void event(SourceEvent event) {}
}
