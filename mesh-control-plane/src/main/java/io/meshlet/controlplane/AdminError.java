package io.meshlet.controlplane;

/** An admin API answer that is an error: its HTTP status and what is wrong, sent as {@code {"error": "..."}}. */
final class AdminError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;

  AdminError(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  static AdminError notFound(String message) {
    return new AdminError(404, message);
  }

  static AdminError badRequest(String message) {
    return new AdminError(400, message);
  }

  int status() {
    return status;
  }
}
