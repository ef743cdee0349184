package io.meshlet.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gRFC A29's file_watcher: re-read on refresh, keep the last good material when the files are not usable. */
class FileWatcherCertificateProviderTest {
  static final SpiffeId REVIEWS = new SpiffeId("cluster.local", "default", "reviews");

  @TempDir Path dir;
  Path cert;
  Path key;
  Path roots;
  final MeshCa ca = MeshCa.create("cluster.local");

  @BeforeEach
  void files() throws IOException {
    cert = dir.resolve("cert-chain.pem");
    key = dir.resolve("key.pem");
    roots = dir.resolve("root-cert.pem");
    Pem.write(ca.issue(REVIEWS), cert, key, roots);
  }

  private FileWatcherCertificateProvider provider() {
    return FileWatcherCertificateProvider.builder(cert, key, roots).watch(false).build();
  }

  @Test
  void newFilesAreInForceAfterARefreshAndListenersHearOfThem() throws IOException {
    try (FileWatcherCertificateProvider p = provider()) {
      KeyMaterial first = p.current();
      assertThat(first.identity()).isEqualTo(REVIEWS);
      List<KeyMaterial> heard = new ArrayList<>();
      p.addListener(heard::add);

      assertThat(p.refresh()).as("unchanged files").isFalse();
      KeyMaterial next = ca.issue(REVIEWS);
      Pem.write(next, cert, key, roots);
      assertThat(p.refresh()).isTrue();
      assertThat(p.current().leaf()).isEqualTo(next.leaf());
      assertThat(heard).containsExactly(p.current());
    }
  }

  @Test
  void aHalfWrittenMissingOrMismatchedFileKeepsTheLastGoodMaterial() throws IOException {
    try (FileWatcherCertificateProvider p = provider()) {
      KeyMaterial good = p.current();
      KeyMaterial next = ca.issue(REVIEWS);

      String chain = Pem.encode(next.chain());
      Files.writeString(cert, chain.substring(0, chain.length() / 2));
      assertThat(p.refresh()).as("half-written certificate").isFalse();
      assertThat(p.current()).isSameAs(good);

      Files.writeString(cert, chain); // the new certificate, but still the old key
      assertThat(p.refresh()).as("certificate and key of different generations").isFalse();
      assertThat(p.current()).isSameAs(good);

      Files.delete(key);
      assertThat(p.refresh()).as("missing key").isFalse();
      assertThat(p.current()).isSameAs(good);

      Files.writeString(key, Pem.encode(next.privateKey()));
      assertThat(p.refresh()).as("the rotation completed").isTrue();
      assertThat(p.current().leaf()).isEqualTo(next.leaf());
    }
  }

  @Test
  void theFirstReadMustSucceedAndSaysWhy() throws IOException {
    Files.writeString(key, Pem.encode(ca.issue(REVIEWS).privateKey()));
    assertThatThrownBy(this::provider)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("certificate files: " + key + ": does not match the certificate in " + cert
            + " (expected: the key of that certificate; a rotation may be half done)");

    Files.delete(roots);
    assertThatThrownBy(this::provider).hasMessage("certificate files: " + roots + ": no such file");
  }

  @Test
  void refreshesOnTheInjectedExecutor() throws IOException {
    var executor = new java.util.concurrent.ScheduledThreadPoolExecutor(1);
    try (FileWatcherCertificateProvider p = FileWatcherCertificateProvider.builder(cert, key, roots)
        .executor(executor).refreshInterval(java.time.Duration.ofHours(1)).build()) {
      assertThat(executor.getQueue()).as("one scheduled refresh").hasSize(1);
      var task = (java.util.concurrent.RunnableScheduledFuture<?>) executor.getQueue().peek();
      KeyMaterial next = ca.issue(REVIEWS);
      Pem.write(next, cert, key, roots);
      task.run(); // what the executor does when the interval has passed
      assertThat(p.current().leaf()).isEqualTo(next.leaf());
    } finally {
      executor.shutdownNow();
    }
    assertThat(executor.isShutdown()).isTrue();
  }
}
