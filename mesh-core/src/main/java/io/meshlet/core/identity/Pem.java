package io.meshlet.core.identity;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * PEM files as istio-agent and cert-manager write them: certificate chains and root bundles
 * ({@code CERTIFICATE} blocks), private keys in PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA
 * PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}) form. Errors name the file and what was expected.
 */
public final class Pem {
  private static final JcaX509CertificateConverter CERTIFICATES = new JcaX509CertificateConverter();
  private static final JcaPEMKeyConverter KEYS = new JcaPEMKeyConverter();

  private Pem() {}

  /** The certificates of {@code file}, in file order (a chain: leaf first). */
  public static List<X509Certificate> readCertificates(Path file) throws IOException {
    return certificates(read(file), file.toString());
  }

  /** The one private key in {@code file}; unencrypted. */
  public static PrivateKey readPrivateKey(Path file) throws IOException {
    return privateKey(read(file), file.toString());
  }

  /** {@link #readCertificates} on PEM text; {@code source} names it in errors. */
  public static List<X509Certificate> certificates(String pem, String source) throws IOException {
    List<X509Certificate> out = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (!(o instanceof X509CertificateHolder)) {
          throw new IOException(source + ": block " + (out.size() + 1) + " is " + describe(o)
              + " (expected: only CERTIFICATE blocks)");
        }
        out.add(CERTIFICATES.getCertificate((X509CertificateHolder) o));
      }
    } catch (CertificateException | RuntimeException e) {
      throw new IOException(source + ": certificate " + (out.size() + 1) + " cannot be read: " + e.getMessage(), e);
    } catch (IOException e) {
      throw e.getMessage() != null && e.getMessage().startsWith(source) ? e
          : new IOException(source + ": not valid PEM after " + out.size() + " certificates: " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new IOException(source + ": no certificate (expected: PEM blocks -----BEGIN CERTIFICATE-----)");
    }
    return out;
  }

  /** {@link #readPrivateKey} on PEM text; {@code source} names it in errors. */
  public static PrivateKey privateKey(String pem, String source) throws IOException {
    Object o;
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      o = parser.readObject();
      if (o != null && parser.readObject() != null) {
        throw new IOException(source + ": more than one PEM block (expected: one private key)");
      }
    } catch (IOException e) {
      throw e.getMessage() != null && e.getMessage().startsWith(source) ? e
          : new IOException(source + ": not valid PEM: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new IOException(source + ": not valid PEM: " + e.getMessage(), e);
    }
    try {
      if (o instanceof PrivateKeyInfo) {
        return KEYS.getPrivateKey((PrivateKeyInfo) o);
      }
      if (o instanceof PEMKeyPair) {
        return KEYS.getPrivateKey(((PEMKeyPair) o).getPrivateKeyInfo());
      }
    } catch (IOException | RuntimeException e) {
      throw new IOException(source + ": private key cannot be read: " + e.getMessage(), e);
    }
    if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
      throw new IOException(source + ": the private key is encrypted (expected: an unencrypted key)");
    }
    throw new IOException(source + ": " + (o == null ? "no PEM block" : describe(o))
        + " (expected: PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
  }

  /** PEM text of certificates, in order. */
  public static String encode(List<X509Certificate> certificates) {
    return write(certificates.toArray());
  }

  /** PEM text of a private key (PKCS#8). */
  public static String encode(PrivateKey key) {
    return write(new org.bouncycastle.util.io.pem.PemObject("PRIVATE KEY", key.getEncoded()));
  }

  /**
   * Writes {@code material} as istio-agent does (chain, key, roots), each file replaced atomically
   * so a watcher never reads half of one.
   */
  public static void write(KeyMaterial material, Path chainFile, Path keyFile, Path rootsFile) throws IOException {
    requireNonNull(material, "material");
    PrivateKey key = material.privateKey();
    if (key == null) {
      throw new IllegalArgumentException("material: no identity to write (expected: a chain and a private key)");
    }
    replace(chainFile, encode(material.chain()));
    replace(keyFile, encode(key));
    replace(rootsFile, encode(material.roots()));
  }

  private static void replace(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String write(Object... objects) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      for (Object o : objects) {
        writer.writeObject(o);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static String read(Path file) throws IOException {
    requireNonNull(file, "file");
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IOException(file + ": no such file", e);
    } catch (IOException e) {
      throw new IOException(file + ": cannot read: " + e, e);
    }
  }

  private static String describe(Object o) {
    return "a " + o.getClass().getSimpleName();
  }
}
