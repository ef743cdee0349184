package io.meshlet.controlplane;

/**
 * Istio security YAML for a reviews workload (namespace default, {@code app: reviews}) served on
 * {@code port}, called by productpage and ratings: the mesh-wide, namespace and workload
 * PeerAuthentication levels, DENY and ALLOW AuthorizationPolicies with most source, operation and
 * condition fields, CUSTOM policies (denied: no external authorizer), an AUDIT one (no effect), and a
 * DestinationRule that makes callers use {@code ISTIO_MUTUAL}. Policies in another namespace, for
 * another workload or with {@code targetRef(s)} (applied to no workload) are there to be left out.
 */
final class SecurityYaml {
  static final String REVIEWS_SAN = "spiffe://cluster.local/ns/default/sa/reviews";
  static final String PRODUCTPAGE = "cluster.local/ns/default/sa/productpage";
  static final String RATINGS = "cluster.local/ns/default/sa/ratings";

  private SecurityYaml() {}

  /**
   * @param port the port reviews serves on (its endpoint's port and the port the ALLOW rule names)
   * @param permissivePort a second server port, PERMISSIVE through {@code portLevelMtls}
   * @param plainPort a third, DISABLE through {@code portLevelMtls}
   * @param viewers the principals the first ALLOW rule admits for reads
   */
  static String yaml(int port, int permissivePort, int plainPort, String... viewers) {
    return """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews.default.svc.cluster.local]
          location: MESH_INTERNAL
          resolution: STATIC
          ports:
          - {number: 9080, name: http, protocol: HTTP}
          endpoints:
          - {address: 127.0.0.1, ports: {http: %1$d}, labels: {app: reviews, version: v1}}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: default}
        spec:
          host: reviews.default.svc.cluster.local
          trafficPolicy:
            tls:
              mode: ISTIO_MUTUAL
              subjectAltNames: ["%4$s"]
              sni: reviews.default.svc.cluster.local
          subsets:
          - {name: v1, labels: {version: v1}}
        ---
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: default, namespace: istio-system}
        spec:
          mtls: {mode: STRICT}
        ---
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: default, namespace: default}
        spec:
          mtls: {mode: UNSET}
        ---
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: reviews, namespace: default}
        spec:
          selector: {matchLabels: {app: reviews}}
          portLevelMtls:
            %2$d: {mode: PERMISSIVE}
            %3$d: {mode: DISABLE}
        ---
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: ratings, namespace: default}
        spec:
          selector: {matchLabels: {app: ratings}}
          mtls: {mode: DISABLE}
        ---
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: default, namespace: other}
        spec:
          mtls: {mode: DISABLE}
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: deny-admin, namespace: default}
        spec:
          selector: {matchLabels: {app: reviews}}
          action: DENY
          rules:
          - to: [{operation: {paths: ["/admin*", "*.secret"]}}]
          - to: [{operation: {methods: [DELETE]}}]
          - from: [{source: {ipBlocks: ["10.9.0.0/16"]}}]
          - when: [{key: "request.headers[x-debug]", values: ["on"]}]
          - from: [{source: {notNamespaces: [default, monitoring], principals: ["*"]}}]
          - to: [{operation: {hosts: ["*.example.com"]}}]
          - from: [{source: {notRequestPrincipals: ["*"]}}]
            to: [{operation: {paths: ["/reviews/jwt*"]}}]
          - from: [{source: {trustDomains: ["partner-*", "*.blocked"]}}]
          - when: [{key: source.trustDomain, values: [old.example]}]
          - to: [{operation: {paths: ["/reviews/sni*"]}}]
            when: [{key: connection.sni, notValues: [reviews.example.com]}]
          - when: [{key: destination.ip, values: ["10.0.0.1"]}]
          - from: [{source: {serviceAccounts: [monitoring/intruder, "bookinfo.ratings"]}}]
          - when: [{key: source.serviceAccount, values: [monitoring/scraper]}]
          - from: [{source: {requestPrincipals: ["*"]}}]
          - to: [{operation: {paths: ["/reviews/claims*"]}}]
            when: [{key: "request.auth.claims[group]", notValues: [admin]}, {key: request.auth.principal, values: [a/b]}]
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: reviews-viewer, namespace: default}
        spec:
          selector: {matchLabels: {app: reviews}}
          action: ALLOW
          rules:
          - from: [{source: {principals: [%5$s]}}]
            to: [{operation: {methods: [GET, HEAD], paths: ["/reviews/*", "*.png"], notPaths: ["/reviews/internal*"], ports: ["%1$d"]}}]
          - from: [{source: {namespaces: [monitoring]}}]
            to: [{operation: {paths: [/metrics]}}]
          - from: [{source: {principals: ["*/sa/ratings"]}}]
            to: [{operation: {methods: [POST]}}]
            when: [{key: "request.headers[x-canary]", values: ["yes"]}]
          - from: [{source: {requestPrincipals: ["*"]}}, {source: {principals: ["*/sa/ratings"], notRequestPrincipals: [x/y]}}]
            to: [{operation: {methods: [PUT]}}]
          - from: [{source: {notServiceAccounts: [productpage]}}]
            to: [{operation: {paths: [/sa-check]}}]
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: mesh-health, namespace: istio-system}
        spec:
          action: ALLOW
          rules:
          - to: [{operation: {paths: [/healthz]}}]
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: deny-all, namespace: other}
        spec:
          action: DENY
          rules: [{}]
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: ext-authz, namespace: default}
        spec:
          selector: {matchLabels: {app: reviews}}
          action: CUSTOM
          provider: {name: opa}
          rules:
          - to: [{operation: {paths: ["/reviews/ext*"]}}]
          - to: [{operation: {methods: ["POST"]}}]
            when: [{key: "request.headers[x-ext]", values: ["1"]}]
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: mesh-ext-authz, namespace: istio-system}
        spec:
          action: CUSTOM
          provider: {name: opa}
          rules:
          - to: [{operation: {paths: ["/img/ext*"]}}]
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: other-ext-authz, namespace: other}
        spec:
          action: CUSTOM
          provider: {name: opa}
          rules: [{}]
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: audit-all, namespace: default}
        spec:
          action: AUDIT
          rules: [{}]
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: gateway-deny, namespace: default}
        spec:
          targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: ingress}]
          action: DENY
          rules: [{}]
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: service-allow, namespace: default}
        spec:
          targetRef: {kind: Service, group: "", name: reviews}
          action: ALLOW
          rules:
          - to: [{operation: {paths: ["/nothing"]}}]
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: ratings-only, namespace: default}
        spec:
          selector: {matchLabels: {app: ratings}}
          action: DENY
          rules: [{}]
        """.formatted(port, permissivePort, plainPort, REVIEWS_SAN, String.join(", ", quoted(viewers)));
  }

  private static String[] quoted(String... values) {
    String[] out = new String[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = "\"" + values[i] + "\"";
    }
    return out;
  }
}
