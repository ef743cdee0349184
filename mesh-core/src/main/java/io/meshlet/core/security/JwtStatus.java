package io.meshlet.core.security;

/**
 * Why a token was refused, with the body Envoy's {@code jwt_authn} filter answers 401 with (its
 * {@code JwtVerify::getStatusString}), so clients and tests written against Istio see the same text.
 */
enum JwtStatus {
  BAD_FORMAT("Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections"),
  ALG_NOT_SUPPORTED("Jwt header [alg] is not supported"),
  UNKNOWN_ISSUER("Jwt issuer is not configured"),
  EXPIRED("Jwt is expired"),
  NOT_YET_VALID("Jwt not yet valid"),
  AUDIENCE_NOT_ALLOWED("Audiences in Jwt are not allowed"),
  VERIFICATION_FAILS("Jwt verification fails"),
  KID_ALG_MISMATCH("Jwks doesn't have key to match kid or alg from Jwt"),
  JWKS_FETCH_FAILED("Jwks remote fetch is failed");

  final String message;

  JwtStatus(String message) {
    this.message = message;
  }
}
