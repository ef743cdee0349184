package io.meshlet.core.model;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One rule of {@code VirtualService.http[]}. Exactly one of {@code destinations} (non-empty),
 * {@code redirect} or {@code directResponse} is the action. An empty {@code matches} list matches
 * every request; otherwise any one match (OR) suffices.
 *
 * @param timeout the whole call's timeout including retries; null when unset, {@link Duration#ZERO}
 *     when set to {@code 0s}: both mean no timeout (Istio's default), but a delegate rule's explicit
 *     zero is kept when merged under its root, where an unset one takes the root rule's
 * @param retries the retry policy, or null for {@link RetryPolicy#DEFAULT}
 * @param fault faults to inject, or null
 * @param mirrors where copies of the requests this rule forwards go (fire and forget); empty for none
 * @param cors the rule's CORS policy, applied where the rule is evaluated for a server (see
 *     docs/configuration.md, corsPolicy), or null
 * @param delegate for a root rule's {@code delegate}: the delegate VirtualService whose rules replace this one
 *     (the rule then has no action); null otherwise. Resolved by {@code VirtualServiceDelegation} before routing.
 * @param delegatedFrom for a rule merged from a delegate: where it came from; null otherwise
 */
public record HttpRoute(
    @Nullable String name,
    List<HttpMatch> matches,
    List<RouteDestination> destinations,
    @Nullable HttpRedirect redirect,
    @Nullable DirectResponse directResponse,
    @Nullable HttpRewrite rewrite,
    HeaderOperations headers,
    @Nullable Duration timeout,
    @Nullable RetryPolicy retries,
    @Nullable FaultInjection fault,
    List<MirrorPolicy> mirrors,
    @Nullable CorsPolicy cors,
    @Nullable ResourceId delegate,
    @Nullable DelegatedRule delegatedFrom) {

  public HttpRoute {
    matches = List.copyOf(matches);
    mirrors = List.copyOf(mirrors);
    destinations = List.copyOf(destinations);
    requireNonNull(headers, "headers");
  }

  /** A rule that neither delegates nor came from a delegate. */
  public HttpRoute(
      @Nullable String name,
      List<HttpMatch> matches,
      List<RouteDestination> destinations,
      @Nullable HttpRedirect redirect,
      @Nullable DirectResponse directResponse,
      @Nullable HttpRewrite rewrite,
      HeaderOperations headers,
      @Nullable Duration timeout,
      @Nullable RetryPolicy retries,
      @Nullable FaultInjection fault,
      List<MirrorPolicy> mirrors,
      @Nullable CorsPolicy cors) {
    this(name, matches, destinations, redirect, directResponse, rewrite, headers, timeout, retries, fault, mirrors, cors,
        null, null);
  }

  /** A rule without timeout, retry policy, fault, mirrors or CORS policy. */
  public HttpRoute(
      @Nullable String name,
      List<HttpMatch> matches,
      List<RouteDestination> destinations,
      @Nullable HttpRedirect redirect,
      @Nullable DirectResponse directResponse,
      @Nullable HttpRewrite rewrite,
      HeaderOperations headers) {
    this(name, matches, destinations, redirect, directResponse, rewrite, headers, null, null, null, List.of(), null);
  }

  /** The timeout in force: the rule's, or null for none (unset, or {@code 0s}). */
  public @Nullable Duration effectiveTimeout() {
    return timeout == null || timeout.isZero() ? null : timeout;
  }

  /** The retry policy in force: the rule's, or Istio's default. */
  public RetryPolicy effectiveRetries() {
    return retries != null ? retries : RetryPolicy.DEFAULT;
  }
}
