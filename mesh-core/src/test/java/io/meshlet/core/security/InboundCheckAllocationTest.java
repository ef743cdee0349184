package io.meshlet.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.meshlet.core.identity.SpiffeId;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * {@link InboundPolicies#check} on the request path builds nothing: matchers and decisions are made
 * in {@code compile}. Measured with the thread's allocation counter (bytes, not time): fewer bytes
 * than calls means no call allocated an object.
 */
class InboundCheckAllocationTest {
  private static final int CALLS = 20_000;

  /** A request whose accessors return fields, so that any allocation seen is the engine's. */
  private static final class FixedRequest implements InboundRequest {
    private final SpiffeId peer = new SpiffeId("cluster.local", "default", "productpage");
    private final List<String> forwarded = List.of("198.51.100.1", "203.0.113.7, 10.0.0.1");
    private final String path;

    FixedRequest(String path) {
      this.path = path;
    }

    @Override
    public @Nullable SpiffeId peer() {
      return peer;
    }

    @Override
    public boolean secure() {
      return true;
    }

    @Override
    public String sourceAddress() {
      return "10.0.0.9";
    }

    @Override
    public int destinationPort() {
      return 9080;
    }

    @Override
    public String host() {
      return "Reviews.default.svc.cluster.local";
    }

    @Override
    public String method() {
      return "GET";
    }

    @Override
    public String path() {
      return path;
    }

    @Override
    public @Nullable String header(String name) {
      return name.equalsIgnoreCase("x-forwarded-for") ? forwarded.get(0) : "admin-1";
    }

    @Override
    public List<String> headers(String name) {
      return name.equalsIgnoreCase("x-forwarded-for") ? forwarded : List.of("admin-1");
    }
  }

  @Test
  void checkAllocatesNothing() {
    assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
    InboundPolicies p = InboundPoliciesTest.policies(
        InboundPoliciesTest.pa("default", "strict", "{mtls: {mode: STRICT}}")
        + InboundPoliciesTest.ap("default", "deny", """
            {action: DENY, rules: [{from: [{source: {notNamespaces: [default], ipBlocks: [10.0.0.0/8]}}]},
                                   {to: [{operation: {paths: ["*.secret"], notHosts: ["*.local"]}}]}]}""")
        + InboundPoliciesTest.ap("default", "allow", """
            {rules: [{from: [{source: {principals: ["cluster.local/ns/default/*"], remoteIpBlocks: [203.0.113.0/24]}}],
                      to: [{operation: {hosts: ["reviews.*"], ports: ["9080"], methods: [GET], paths: [/ok/*]}}],
                      when: [{key: "request.headers[x-user]", values: ["admin*"]},
                             {key: source.principal, notValues: ["*/sa/ratings"]}]}]}"""),
        InboundPolicies.DEFAULT_ROOT_NAMESPACE, 2);
    FixedRequest allowed = new FixedRequest("/ok/1");
    FixedRequest denied = new FixedRequest("/no");
    assertThat(p.check(allowed).reason()).isEqualTo("allowed by AuthorizationPolicy default/allow rules[0]");
    assertThat(p.check(denied).allowed()).isFalse();

    long sink = 0;
    for (int i = 0; i < CALLS; i++) {
      sink += p.check(i % 2 == 0 ? allowed : denied).allowed() ? 1 : 0;
    }
    long tid = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(tid);
    for (int i = 0; i < CALLS; i++) {
      sink += p.check(i % 2 == 0 ? allowed : denied).allowed() ? 1 : 0;
    }
    long allocated = threads.getThreadAllocatedBytes(tid) - before;
    assertThat(sink).isEqualTo(CALLS);
    assertThat(allocated).as("bytes allocated by %d checks", CALLS).isLessThan(CALLS);
  }
}
