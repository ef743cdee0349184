package io.meshlet.controlplane;

/** Bookinfo-style Istio YAML: reviews (header route, 80/20 split), ratings (prefix route with rewrite and more), details (no VirtualService). */
final class Bookinfo {
  private Bookinfo() {}

  /** @param jasonSubset where end-user jason's reviews requests go */
  static String yaml(String jasonSubset) {
    return """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews]
          location: MESH_INTERNAL
          resolution: STATIC
          ports:
          - {number: 9080, name: http, protocol: HTTP}
          endpoints:
          - {address: 10.0.0.1, labels: {app: reviews, version: v1}}
          - {address: 10.0.0.2, labels: {app: reviews, version: v2}}
          - {address: 10.0.0.3, labels: {app: reviews, version: v3}}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: default}
        spec:
          host: reviews
          trafficPolicy:
            loadBalancer: {simple: ROUND_ROBIN}
            outlierDetection:
              consecutive5xxErrors: 3
              interval: 5s
              baseEjectionTime: 15s
              maxEjectionPercent: 50
          subsets:
          - {name: v1, labels: {version: v1}}
          - {name: v2, labels: {version: v2}}
          - {name: v3, labels: {version: v3}}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews]
          http:
          - name: jason
            match:
            - headers:
                end-user: {exact: jason}
            route:
            - destination: {host: reviews, subset: %s}
          - name: mobile
            match:
            - headers:
                user-agent: {regex: ".*Mobile.*"}
            route:
            - destination: {host: reviews, subset: v3}
            timeout: 2s
            retries: {attempts: 3, perTryTimeout: 500ms, retryOn: "5xx,connect-failure"}
          - name: split
            route:
            - destination: {host: reviews, subset: v1}
              weight: 80
            - destination: {host: reviews, subset: v3}
              weight: 20
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: ratings, namespace: default}
        spec:
          hosts: [ratings]
          location: MESH_INTERNAL
          resolution: STATIC
          ports:
          - {number: 9080, name: http, protocol: HTTP, targetPort: 8080}
          endpoints:
          - {address: 10.0.1.1, labels: {version: v1}}
          - {address: 10.0.1.2, labels: {version: v2}, ports: {http: 9999}, weight: 3, locality: us-east/a}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: ratings, namespace: default}
        spec:
          host: ratings
          trafficPolicy:
            connectionPool:
              tcp: {maxConnections: 100, connectTimeout: 2s}
              http: {http1MaxPendingRequests: 10}
          subsets:
          - {name: v1, labels: {version: v1}}
          - name: v2
            labels: {version: v2}
            trafficPolicy:
              loadBalancer:
                consistentHash: {httpHeaderName: x-user}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: ratings, namespace: default}
        spec:
          hosts: [ratings]
          http:
          - name: v2-prefix
            match:
            - uri: {prefix: /ratings/v2}
            - queryParams:
                debug: {exact: "true"}
            rewrite: {uri: /ratings}
            route:
            - destination: {host: ratings, subset: v2}
          - name: health
            match:
            - uri: {exact: /health}
            directResponse:
              status: 200
              body: {string: ok}
          - name: moved
            match:
            - uri: {prefix: /old}
            redirect: {uri: /new, redirectCode: 302}
          - name: faulty
            match:
            - headers:
                x-fault: {exact: abort}
            fault:
              abort: {httpStatus: 418, percentage: {value: 100}}
            route:
            - destination: {host: ratings, subset: v1}
          - name: rest
            headers:
              request:
                set: {x-via: mesh}
            route:
            - destination: {host: ratings, subset: v1}
            mirrors:
            - destination: {host: ratings, subset: v2}
              percentage: {value: 25}
            corsPolicy:
              allowOrigins: [{exact: "https://bookinfo.example"}, {regex: "https://.*[.]dev[.]example"}]
              allowMethods: [GET]
              allowHeaders: [x-user]
              exposeHeaders: [x-via]
              maxAge: 24h
              allowCredentials: true
              unmatchedPreflights: IGNORE
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: details, namespace: default}
        spec:
          hosts: [details]
          location: MESH_INTERNAL
          resolution: STATIC
          ports:
          - {number: 9080, name: http, protocol: HTTP}
          endpoints:
          - {address: 10.0.2.1}
        """.formatted(jasonSubset);
  }
}
