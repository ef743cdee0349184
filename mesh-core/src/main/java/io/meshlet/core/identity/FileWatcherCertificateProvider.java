package io.meshlet.core.identity;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * gRPC's {@code file_watcher} certificate provider (gRFC A29), as istio-agent feeds it: reads the
 * certificate chain, private key and CA files, and reads them again every refresh interval. New
 * material is used only if all of it reads and the key matches the certificate; otherwise (a file
 * missing or half written, a key from another generation) the last good material stays in force
 * and the reason is logged.
 *
 * <pre>{@code
 * CertificateProvider certs = FileWatcherCertificateProvider.builder(
 *         Path.of("/var/lib/istio/data/cert-chain.pem"), Path.of("/var/lib/istio/data/key.pem"),
 *         Path.of("/var/lib/istio/data/root-cert.pem"))
 *     .refreshInterval(Duration.ofMinutes(15))
 *     .build();
 * }</pre>
 */
public final class FileWatcherCertificateProvider implements CertificateProvider {
  private static final Logger log = LoggerFactory.getLogger(FileWatcherCertificateProvider.class);

  /** gRPC's default when {@code refresh_interval} is absent. */
  public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofMinutes(10);

  private final @Nullable Path certificateFile;
  private final @Nullable Path privateKeyFile;
  private final Path caCertificateFile;
  private final Duration refreshInterval;
  private final List<Consumer<KeyMaterial>> listeners = new CopyOnWriteArrayList<>();
  private final @Nullable ScheduledExecutorService ownedExecutor;
  private final @Nullable ScheduledFuture<?> refresher;
  private final Object lock = new Object();
  private volatile KeyMaterial current;
  private byte[][] lastRead;

  private FileWatcherCertificateProvider(Builder b) {
    this.certificateFile = b.certificateFile;
    this.privateKeyFile = b.privateKeyFile;
    this.caCertificateFile = b.caCertificateFile;
    this.refreshInterval = b.refreshInterval;
    byte[][] bytes;
    try {
      bytes = readAll();
      this.current = parse(bytes);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalStateException("certificate files: " + e.getMessage(), e);
    }
    this.lastRead = bytes;
    ScheduledExecutorService executor = b.executor;
    this.ownedExecutor = b.watch && executor == null ? Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "meshlet-certificates");
      t.setDaemon(true);
      return t;
    }) : null;
    ScheduledExecutorService runOn = executor != null ? executor : ownedExecutor;
    this.refresher = runOn != null && b.watch
        ? runOn.scheduleWithFixedDelay(this::refreshQuietly, refreshInterval.toNanos(), refreshInterval.toNanos(), TimeUnit.NANOSECONDS)
        : null;
    log.info("certificates from {}: {}", caCertificateFile.getParent(), current);
  }

  /**
   * A provider for the three files; {@code certificateFile} and {@code privateKeyFile} are given
   * together or not at all (then the provider only supplies trust roots).
   */
  public static Builder builder(@Nullable Path certificateFile, @Nullable Path privateKeyFile, Path caCertificateFile) {
    return new Builder(certificateFile, privateKeyFile, requireNonNull(caCertificateFile, "caCertificateFile"));
  }

  @Override
  public KeyMaterial current() {
    return current;
  }

  public Duration refreshInterval() {
    return refreshInterval;
  }

  /**
   * Reads the files now, as every refresh interval does. True if new material is in force; false
   * if the files did not change or could not be used (the last good material stays, and why is
   * logged at WARN).
   */
  public boolean refresh() {
    KeyMaterial next;
    synchronized (lock) {
      byte[][] bytes;
      try {
        bytes = readAll();
      } catch (IOException e) {
        log.warn("certificate files: keeping the material in force ({}): {}", current, e.getMessage());
        return false;
      }
      if (Arrays.deepEquals(bytes, lastRead)) {
        return false;
      }
      try {
        next = parse(bytes);
      } catch (IOException | IllegalArgumentException e) {
        log.warn("certificate files: keeping the material in force ({}): {}", current, e.getMessage());
        return false;
      }
      lastRead = bytes;
      current = next;
    }
    log.info("certificate files: new material in force: {}", next);
    for (Consumer<KeyMaterial> listener : listeners) {
      try {
        listener.accept(next);
      } catch (RuntimeException e) {
        log.warn("certificate listener {} failed", listener, e);
      }
    }
    return true;
  }

  private void refreshQuietly() {
    try {
      refresh();
    } catch (RuntimeException e) {
      log.warn("certificate files: refresh failed", e);
    }
  }

  @Override
  public void addListener(Consumer<KeyMaterial> listener) {
    listeners.add(requireNonNull(listener, "listener"));
  }

  @Override
  public void removeListener(Consumer<KeyMaterial> listener) {
    listeners.remove(listener);
  }

  @Override
  public void close() {
    if (refresher != null) {
      refresher.cancel(false);
    }
    if (ownedExecutor != null) {
      ownedExecutor.shutdownNow();
    }
  }

  private byte[][] readAll() throws IOException {
    return new byte[][] {readBytes(certificateFile), readBytes(privateKeyFile), readBytes(caCertificateFile)};
  }

  private static byte[] readBytes(@Nullable Path file) throws IOException {
    if (file == null) {
      return new byte[0];
    }
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IOException(file + ": no such file", e);
    }
  }

  private KeyMaterial parse(byte[][] bytes) throws IOException {
    List<X509Certificate> roots = Pem.certificates(ascii(bytes[2]), caCertificateFile.toString());
    if (certificateFile == null || privateKeyFile == null) {
      return KeyMaterial.trustOnly(roots);
    }
    List<X509Certificate> chain = Pem.certificates(ascii(bytes[0]), certificateFile.toString());
    PrivateKey key = Pem.privateKey(ascii(bytes[1]), privateKeyFile.toString());
    try {
      return new KeyMaterial(chain, key, roots);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(privateKeyFile + ": does not match the certificate in " + certificateFile
          + " (expected: the key of that certificate; a rotation may be half done)", e);
    }
  }

  private static String ascii(byte[] bytes) {
    return new String(bytes, java.nio.charset.StandardCharsets.US_ASCII);
  }

  @Override
  public String toString() {
    return "FileWatcherCertificateProvider[" + certificateFile + ", " + privateKeyFile + ", " + caCertificateFile
        + " every " + refreshInterval + "]";
  }

  /** Options of a {@link FileWatcherCertificateProvider}. */
  public static final class Builder {
    private final @Nullable Path certificateFile;
    private final @Nullable Path privateKeyFile;
    private final Path caCertificateFile;
    private Duration refreshInterval = DEFAULT_REFRESH_INTERVAL;
    private @Nullable ScheduledExecutorService executor;
    private boolean watch = true;

    private Builder(@Nullable Path certificateFile, @Nullable Path privateKeyFile, Path caCertificateFile) {
      if ((certificateFile == null) != (privateKeyFile == null)) {
        throw new IllegalArgumentException("certificateFile: " + certificateFile + ", privateKeyFile: " + privateKeyFile
            + " (expected: both or neither)");
      }
      this.certificateFile = certificateFile;
      this.privateKeyFile = privateKeyFile;
      this.caCertificateFile = caCertificateFile;
    }

    /** How often the files are read again; {@code 10m} by default, as in gRPC. */
    public Builder refreshInterval(Duration interval) {
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("refreshInterval: " + interval + " (expected: > 0)");
      }
      this.refreshInterval = interval;
      return this;
    }

    /** The executor refreshes run on; the provider makes (and owns) a daemon thread by default. */
    public Builder executor(ScheduledExecutorService executor) {
      this.executor = requireNonNull(executor, "executor");
      return this;
    }

    /** Whether to re-read on a schedule; false leaves it to {@link #refresh()} calls (tests). True by default. */
    public Builder watch(boolean watch) {
      this.watch = watch;
      return this;
    }

    /**
     * Reads the files and starts watching them.
     *
     * @throws IllegalStateException naming the file and what is wrong, if the first read fails
     */
    public FileWatcherCertificateProvider build() {
      return new FileWatcherCertificateProvider(this);
    }
  }
}
