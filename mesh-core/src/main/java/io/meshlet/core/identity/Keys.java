package io.meshlet.core.identity;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAKey;

/** Whether a private key belongs to a public key: signs a probe and verifies it. */
final class Keys {
  private static final byte[] PROBE = "meshlet key check".getBytes(StandardCharsets.US_ASCII);

  private Keys() {}

  static boolean matches(PublicKey publicKey, PrivateKey privateKey) {
    if (!publicKey.getAlgorithm().equals(privateKey.getAlgorithm())) {
      return false;
    }
    if (publicKey instanceof RSAKey && privateKey instanceof RSAKey) {
      return ((RSAKey) publicKey).getModulus().equals(((RSAKey) privateKey).getModulus());
    }
    String algorithm = signatureAlgorithm(privateKey);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(PROBE);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(PROBE);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  static String signatureAlgorithm(PrivateKey key) {
    switch (key.getAlgorithm()) {
      case "EC":
        return "SHA256withECDSA";
      case "RSA":
        return "SHA256withRSA";
      default:
        return key.getAlgorithm(); // Ed25519, Ed448
    }
  }
}
