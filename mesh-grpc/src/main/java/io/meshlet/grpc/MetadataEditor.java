package io.meshlet.grpc;

import io.grpc.Metadata;
import io.meshlet.core.model.Headers;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies Istio header operations (set, add, remove) to gRPC metadata. Names are lower-cased, as
 * HTTP/2 sends them; a binary ({@code -bin}) name takes a base64 value, as on the wire.
 */
final class MetadataEditor {
  private static final Map<String, Metadata.Key<String>> TEXT = new ConcurrentHashMap<>();
  private static final Map<String, Metadata.Key<byte[]>> BINARY = new ConcurrentHashMap<>();
  private static final int MAX_KEYS = 4096;

  private MetadataEditor() {}

  static void apply(Headers ops, Metadata metadata) {
    if (ops.isEmpty()) {
      return;
    }
    for (Map.Entry<String, String> e : ops.set().entrySet()) {
      remove(metadata, e.getKey());
      put(metadata, e.getKey(), e.getValue());
    }
    for (Map.Entry<String, String> e : ops.add().entrySet()) {
      put(metadata, e.getKey(), e.getValue());
    }
    for (String name : ops.remove()) {
      remove(metadata, name);
    }
  }

  private static void put(Metadata metadata, String name, String value) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
      metadata.put(binary(n), java.util.Base64.getDecoder().decode(value));
    } else {
      metadata.put(text(n), value);
    }
  }

  private static void remove(Metadata metadata, String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
      metadata.discardAll(binary(n));
    } else {
      metadata.discardAll(text(n));
    }
  }

  private static Metadata.Key<String> text(String name) {
    Metadata.Key<String> k = TEXT.get(name);
    if (k == null) {
      k = Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
      if (TEXT.size() < MAX_KEYS) {
        TEXT.putIfAbsent(name, k);
      }
    }
    return k;
  }

  private static Metadata.Key<byte[]> binary(String name) {
    Metadata.Key<byte[]> k = BINARY.get(name);
    if (k == null) {
      k = Metadata.Key.of(name, Metadata.BINARY_BYTE_MARSHALLER);
      if (BINARY.size() < MAX_KEYS) {
        BINARY.putIfAbsent(name, k);
      }
    }
    return k;
  }
}
