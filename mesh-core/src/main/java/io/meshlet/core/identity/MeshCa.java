package io.meshlet.core.identity;

import static java.util.Objects.requireNonNull;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A small certificate authority for a trust domain: a self-signed root that issues workload
 * certificates whose only SAN is the SPIFFE id ({@code spiffe://cluster.local/ns/default/sa/reviews}),
 * usable as client and server certificates, as Istio's CA issues them. For tests, demos and a
 * control plane without Kubernetes; keys are EC P-256 and live in memory.
 *
 * <pre>{@code
 * MeshCa ca = MeshCa.create("cluster.local");
 * KeyMaterial reviews = ca.issue(new SpiffeId("cluster.local", "default", "reviews"));
 * Pem.write(reviews, dir.resolve("cert-chain.pem"), dir.resolve("key.pem"), dir.resolve("root-cert.pem"));
 * }</pre>
 */
public final class MeshCa {
  public static final Duration DEFAULT_WORKLOAD_VALIDITY = Duration.ofHours(24);
  public static final Duration ROOT_VALIDITY = Duration.ofDays(3650);
  /** Tolerance for clocks a little behind the CA's. */
  private static final Duration BACKDATE = Duration.ofMinutes(5);

  private final String trustDomain;
  private final Clock clock;
  private final KeyPair rootKeys;
  private final X509Certificate root;
  private final SecureRandom random = new SecureRandom();

  private MeshCa(String trustDomain, Clock clock) {
    this.trustDomain = trustDomain;
    this.clock = clock;
    this.rootKeys = newKeyPair();
    X500Principal name = new X500Principal("O=" + trustDomain + ", CN=Meshlet root CA");
    Instant now = clock.instant();
    this.root = sign(new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(BACKDATE)),
        Date.from(now.plus(ROOT_VALIDITY)), name, rootKeys.getPublic()), builder -> {
          builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
          builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
          builder.addExtension(Extension.subjectKeyIdentifier, false,
              new JcaX509ExtensionUtils().createSubjectKeyIdentifier(rootKeys.getPublic()));
        });
  }

  /** A new CA with a fresh root for {@code trustDomain} (for example {@code cluster.local}). */
  public static MeshCa create(String trustDomain) {
    return create(trustDomain, Clock.systemUTC());
  }

  /** {@link #create(String)} with the clock validity periods start from. */
  public static MeshCa create(String trustDomain, Clock clock) {
    requireNonNull(trustDomain, "trustDomain");
    if (trustDomain.isEmpty() || trustDomain.contains("/")) {
      throw new IllegalArgumentException("trustDomain: '" + trustDomain + "' (expected: a name such as cluster.local)");
    }
    return new MeshCa(trustDomain, requireNonNull(clock, "clock"));
  }

  public String trustDomain() {
    return trustDomain;
  }

  /** The root certificate peers trust. */
  public X509Certificate root() {
    return root;
  }

  /** A workload certificate for {@code id}, valid for {@link #DEFAULT_WORKLOAD_VALIDITY}. */
  public KeyMaterial issue(SpiffeId id) {
    return issue(id, DEFAULT_WORKLOAD_VALIDITY);
  }

  /** A workload certificate for {@code id}, valid from now for {@code validity}, with a new key. */
  public KeyMaterial issue(SpiffeId id, Duration validity) {
    requireNonNull(id, "id");
    if (validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("validity: " + validity + " (expected: > 0)");
    }
    KeyPair keys = newKeyPair();
    Instant now = clock.instant();
    X509Certificate leaf = sign(new JcaX509v3CertificateBuilder(root, serial(), Date.from(now.minus(BACKDATE)),
        Date.from(now.plus(validity)), new X500Principal("O=" + trustDomain), keys.getPublic()), builder -> {
          JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
          builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
          builder.addExtension(Extension.keyUsage, true,
              new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
          builder.addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
          builder.addExtension(Extension.subjectAlternativeName, true,
              new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, id.uri())));
          builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(root));
          builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keys.getPublic()));
        });
    return new KeyMaterial(List.of(leaf), keys.getPrivate(), List.of(root));
  }

  /**
   * A server certificate for DNS names (not a SPIFFE identity), valid for {@link
   * #DEFAULT_WORKLOAD_VALIDITY}: what an external service or an egress test server presents to a
   * client that checks host names ({@code DestinationRule tls: SIMPLE}).
   */
  public KeyMaterial issueForHosts(String... dnsNames) {
    if (dnsNames.length == 0) {
      throw new IllegalArgumentException("dnsNames: none (expected: at least one)");
    }
    GeneralName[] names = new GeneralName[dnsNames.length];
    for (int i = 0; i < dnsNames.length; i++) {
      names[i] = new GeneralName(GeneralName.dNSName, requireNonNull(dnsNames[i], "dnsName"));
    }
    KeyPair keys = newKeyPair();
    Instant now = clock.instant();
    X509Certificate leaf = sign(new JcaX509v3CertificateBuilder(root, serial(), Date.from(now.minus(BACKDATE)),
        Date.from(now.plus(DEFAULT_WORKLOAD_VALIDITY)), new X500Principal("CN=" + dnsNames[0]), keys.getPublic()),
        builder -> {
          JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
          builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
          builder.addExtension(Extension.keyUsage, true,
              new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
          builder.addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth}));
          builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
          builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(root));
          builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keys.getPublic()));
        });
    return new KeyMaterial(List.of(leaf), keys.getPrivate(), List.of(root));
  }

  private BigInteger serial() {
    return new BigInteger(127, random).add(BigInteger.ONE);
  }

  private X509Certificate sign(X509v3CertificateBuilder builder, Extensions extensions) {
    try {
      extensions.add(builder);
      PrivateKey signer = rootKeys.getPrivate();
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder(Keys.signatureAlgorithm(signer)).build(signer)));
    } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
      throw new IllegalStateException("MeshCa " + trustDomain + ": cannot sign a certificate: " + e, e);
    }
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC P-256 keys are not available in this JVM: " + e, e);
    }
  }

  @FunctionalInterface
  private interface Extensions {
    void add(X509v3CertificateBuilder builder) throws CertIOException, GeneralSecurityException;
  }

  @Override
  public String toString() {
    return "MeshCa[" + trustDomain + ", root " + root.getSerialNumber().toString(16) + "]";
  }
}
