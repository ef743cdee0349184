package io.meshlet.xds.bootstrap;

import java.util.List;

/**
 * A bootstrap that could not be read or is not valid. The message lists every error, one a line,
 * each naming the source and the path of the field:
 * {@code bootstrap (/etc/istio/proxy/grpc-bootstrap.json): node.id: missing (expected: ...)}.
 */
public final class XdsBootstrapException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<String> errors;

  XdsBootstrapException(List<String> errors) {
    super(String.join("\n", errors));
    this.errors = List.copyOf(errors);
  }

  XdsBootstrapException(String error, Throwable cause) {
    super(error, cause);
    this.errors = List.of(error);
  }

  /** Every error, in the order found, each as in the message. */
  public List<String> errors() {
    return errors;
  }
}
