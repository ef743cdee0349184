package io.meshlet.core.identity;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.jspecify.annotations.Nullable;

/**
 * Presents the provider's current certificate in every handshake. Each generation of material has
 * its own alias, so a handshake that chose an alias just before a rotation still gets a chain and a
 * key of the same generation.
 */
final class ProviderKeyManager extends X509ExtendedKeyManager {
  private final CertificateProvider provider;
  private volatile Generation current;
  private volatile @Nullable Generation previous;

  private record Generation(String alias, KeyMaterial material) {}

  ProviderKeyManager(CertificateProvider provider) {
    this.provider = provider;
    this.current = new Generation("meshlet-0", provider.current());
  }

  private @Nullable String alias() {
    KeyMaterial now = provider.current();
    Generation g = current;
    if (g.material != now) {
      synchronized (this) {
        g = current;
        if (g.material != now) {
          previous = g;
          g = new Generation("meshlet-" + (Long.parseLong(g.alias.substring(8)) + 1), now);
          current = g;
        }
      }
    }
    return now.privateKey() == null ? null : g.alias;
  }

  private @Nullable KeyMaterial material(@Nullable String alias) {
    Generation g = current;
    if (g.alias.equals(alias)) {
      return g.material;
    }
    Generation p = previous;
    return p != null && p.alias.equals(alias) ? p.material : null;
  }

  @Override
  public String @Nullable [] getClientAliases(String keyType, Principal @Nullable [] issuers) {
    String alias = alias();
    return alias == null ? null : new String[] {alias};
  }

  @Override
  public @Nullable String chooseClientAlias(String[] keyType, Principal @Nullable [] issuers, @Nullable Socket socket) {
    return alias();
  }

  @Override
  public @Nullable String chooseEngineClientAlias(String[] keyType, Principal @Nullable [] issuers, @Nullable SSLEngine engine) {
    return alias();
  }

  @Override
  public String @Nullable [] getServerAliases(String keyType, Principal @Nullable [] issuers) {
    return getClientAliases(keyType, issuers);
  }

  @Override
  public @Nullable String chooseServerAlias(String keyType, Principal @Nullable [] issuers, @Nullable Socket socket) {
    return alias();
  }

  @Override
  public @Nullable String chooseEngineServerAlias(String keyType, Principal @Nullable [] issuers, @Nullable SSLEngine engine) {
    return alias();
  }

  @Override
  public X509Certificate @Nullable [] getCertificateChain(String alias) {
    KeyMaterial m = material(alias);
    return m == null ? null : m.chain().toArray(new X509Certificate[0]);
  }

  @Override
  public @Nullable PrivateKey getPrivateKey(String alias) {
    KeyMaterial m = material(alias);
    return m == null ? null : m.privateKey();
  }
}
