package io.meshlet.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTest {
  static final SpiffeId REVIEWS = new SpiffeId("cluster.local", "default", "reviews");

  @TempDir Path dir;

  @Test
  void writesAndReadsWhatTheCaIssued() throws IOException {
    MeshCa ca = MeshCa.create("cluster.local");
    KeyMaterial issued = ca.issue(REVIEWS);
    Pem.write(issued, dir.resolve("cert-chain.pem"), dir.resolve("key.pem"), dir.resolve("root-cert.pem"));

    List<X509Certificate> chain = Pem.readCertificates(dir.resolve("cert-chain.pem"));
    PrivateKey key = Pem.readPrivateKey(dir.resolve("key.pem"));
    List<X509Certificate> roots = Pem.readCertificates(dir.resolve("root-cert.pem"));
    KeyMaterial read = new KeyMaterial(chain, key, roots);

    assertThat(read.identity()).isEqualTo(REVIEWS);
    assertThat(MeshTls.subjectAltNames(read.leaf())).containsExactly("spiffe://cluster.local/ns/default/sa/reviews");
    assertThat(roots).containsExactly(ca.root());
    assertThat(Files.readString(dir.resolve("key.pem"))).startsWith("-----BEGIN PRIVATE KEY-----");
  }

  @Test
  void readsPkcs1RsaAndSec1EcKeys() throws Exception {
    for (String algorithm : List.of("RSA", "EC")) {
      // BouncyCastle's EC keys encode their curve inside the SEC1 structure, as OpenSSL's do (the JDK's do not).
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm, new BouncyCastleProvider());
      generator.initialize(algorithm.equals("EC") ? 256 : 2048);
      KeyPair pair = generator.generateKeyPair();
      StringWriter out = new StringWriter();
      try (JcaPEMWriter w = new JcaPEMWriter(out)) {
        w.writeObject(pair); // OpenSSL's traditional forms: RSA PRIVATE KEY (PKCS#1), EC PRIVATE KEY (SEC1)
      }
      assertThat(out.toString()).contains("-----BEGIN " + algorithm + " PRIVATE KEY-----");
      PrivateKey key = Pem.privateKey(out.toString(), algorithm + ".pem");
      PublicKey jdkPublic = KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(pair.getPublic().getEncoded()));
      assertThat(Keys.matches(jdkPublic, key)).as(algorithm).isTrue();
    }
  }

  @Test
  void errorsNameTheFileAndWhatWasExpected() throws IOException {
    Path missing = dir.resolve("nope.pem");
    assertThatThrownBy(() -> Pem.readCertificates(missing)).hasMessage(missing + ": no such file");

    Path text = Files.writeString(dir.resolve("text.pem"), "hello\n");
    assertThatThrownBy(() -> Pem.readCertificates(text))
        .hasMessage(text + ": no certificate (expected: PEM blocks -----BEGIN CERTIFICATE-----)");
    assertThatThrownBy(() -> Pem.readPrivateKey(text))
        .hasMessage(text + ": no PEM block (expected: PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");

    KeyMaterial m = MeshCa.create("cluster.local").issue(REVIEWS);
    Path cert = Files.writeString(dir.resolve("cert.pem"), Pem.encode(m.chain()));
    assertThatThrownBy(() -> Pem.readPrivateKey(cert)).hasMessageStartingWith(cert + ": a X509CertificateHolder");

    String pem = Pem.encode(m.chain());
    Path half = Files.writeString(dir.resolve("half.pem"), pem.substring(0, pem.length() / 2));
    assertThatThrownBy(() -> Pem.readCertificates(half)).hasMessageStartingWith(half + ": ");
  }

  @Test
  void aKeyOfAnotherCertificateIsRefused() {
    MeshCa ca = MeshCa.create("cluster.local");
    KeyMaterial a = ca.issue(REVIEWS);
    KeyMaterial b = ca.issue(REVIEWS);
    assertThatThrownBy(() -> new KeyMaterial(a.chain(), b.privateKey(), a.roots()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("privateKey: does not match the certificate O=cluster.local");
  }
}
