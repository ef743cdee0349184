package io.meshlet.core.security;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.jwk.JWKSet;
import io.meshlet.core.resilience.MeshTime;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mesh's JSON Web Key Sets from {@code jwksUri}, kept across snapshots (one per mesh) so a
 * config change does not refetch them. A set is fetched when a snapshot first names its URI, again
 * when it is older than {@link #DEFAULT_CACHE_DURATION} (Envoy's default {@code cache_duration}) and
 * when a token names a {@code kid} it does not hold (key rotation), never more often than {@link
 * #MIN_REFETCH_INTERVAL}. Fetching happens on the {@link JwksFetcher}'s threads: a request thread
 * only reads the last set fetched, and with none yet the token fails as Envoy's does ({@code Jwks
 * remote fetch is failed}). A failed fetch keeps the previous set.
 */
public final class JwtKeys {
  private static final Logger log = LoggerFactory.getLogger(JwtKeys.class);

  public static final Duration DEFAULT_CACHE_DURATION = Duration.ofMinutes(10);
  public static final Duration MIN_REFETCH_INTERVAL = Duration.ofSeconds(1);

  /**
   * Keys that are never fetched, silently: every remote set is absent (for tools and the control
   * plane, which compile policies without serving calls).
   */
  public static final JwtKeys OFFLINE = new JwtKeys(Clock.systemUTC(), MeshTime.system(), Offline.INSTANCE);

  /** The fetcher of {@link #OFFLINE}: never asked. */
  private enum Offline implements JwksFetcher {
    INSTANCE;

    @Override
    public java.util.concurrent.CompletableFuture<String> fetch(URI uri, Duration timeout) {
      throw new UnsupportedOperationException("offline");
    }
  }

  private final Clock clock;
  private final MeshTime time;
  private final JwksFetcher fetcher;
  private final ConcurrentHashMap<URI, Remote> remotes = new ConcurrentHashMap<>();

  public JwtKeys(Clock clock, MeshTime time, JwksFetcher fetcher) {
    this.clock = requireNonNull(clock, "clock");
    this.time = requireNonNull(time, "time");
    this.fetcher = requireNonNull(fetcher, "fetcher");
  }

  /** The wall clock tokens' {@code exp} and {@code nbf} are checked against (the mesh's {@code Clock}). */
  Clock clock() {
    return clock;
  }

  /** The remote set at {@code uri}, fetched now if it never was. */
  Remote remote(URI uri, Duration timeout) {
    Remote r = remotes.computeIfAbsent(uri, u -> new Remote(u, timeout));
    r.fetchIfDue(false);
    return r;
  }

  /** One {@code jwksUri}: the last set fetched (null until one arrives) and when. */
  final class Remote {
    private final URI uri;
    private final Duration timeout;
    private volatile @Nullable JWKSet keys;
    private volatile long fetchedAt;
    private volatile long startedAt;
    private final AtomicBoolean inFlight = new AtomicBoolean();

    Remote(URI uri, Duration timeout) {
      this.uri = uri;
      this.timeout = timeout;
    }

    /** The last set fetched, or null; starts a refresh when it is stale (never waits for it). */
    @Nullable JWKSet keys() {
      fetchIfDue(false);
      return keys;
    }

    /** A token named a key this set lacks: fetch again, unless a fetch started within the minimum interval. */
    void keyMissing() {
      fetchIfDue(true);
    }

    private void fetchIfDue(boolean now) {
      JwksFetcher f = fetcher;
      if (f == Offline.INSTANCE) {
        return;
      }
      long t = time.nanoTime();
      JWKSet current = keys;
      boolean due = current == null || now || t - fetchedAt >= DEFAULT_CACHE_DURATION.toNanos();
      if (!due || (startedAt != 0 && t - startedAt < MIN_REFETCH_INTERVAL.toNanos()) || !inFlight.compareAndSet(false, true)) {
        return;
      }
      startedAt = t == 0 ? 1 : t;
      f.fetch(uri, timeout).whenComplete((body, failure) -> {
        try {
          if (failure == null) {
            keys = JWKSet.parse(body);
            fetchedAt = time.nanoTime();
            log.debug("JWKS {}: {} keys", uri, keys.getKeys().size());
          } else {
            log.warn("JWKS {}: fetch failed ({}); {}", uri, failure.toString(),
                keys == null ? "tokens of its issuer fail until a fetch succeeds" : "the previous keys stay");
          }
        } catch (java.text.ParseException | RuntimeException e) {
          log.warn("JWKS {}: not a JSON Web Key Set ({}); {}", uri, e.getMessage(),
              keys == null ? "tokens of its issuer fail until a fetch succeeds" : "the previous keys stay");
        } finally {
          inFlight.set(false);
        }
      });
    }
  }
}
