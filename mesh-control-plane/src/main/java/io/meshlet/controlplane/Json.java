package io.meshlet.controlplane;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The admin API's JSON: maps, lists, records and strings in; bytes out (and JSON parsed, for Prometheus answers). */
final class Json {
  private static final JsonMapper MAPPER = JsonMapper.builder().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).build();

  private Json() {}

  static byte[] write(Object value) {
    return MAPPER.writeValueAsBytes(value);
  }

  /** {@code json} (a protobuf's JSON text) as a tree, to be embedded in an answer. */
  static JsonNode tree(String json) {
    return MAPPER.readTree(json);
  }

  static JsonNode tree(byte[] json) {
    return MAPPER.readTree(json);
  }

  /** A value (e.g. a record) as a tree of plain JSON. */
  static JsonNode valueToTree(Object value) {
    return MAPPER.valueToTree(value);
  }
}
