package io.meshlet.core.model;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Istio's {@code HTTPDirectResponse}: a status and an optional body, answered without calling anyone. */
public record DirectResponse(int status, byte[] body) {
  public DirectResponse {
    body = body.clone();
  }

  public static DirectResponse of(int status, String body) {
    return new DirectResponse(status, body.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DirectResponse other && status == other.status && Arrays.equals(body, other.body);
  }

  @Override
  public int hashCode() {
    return 31 * status + Arrays.hashCode(body);
  }

  @Override
  public String toString() {
    return "DirectResponse[status=" + status + ", body=" + body.length + " bytes]";
  }
}
