package io.meshlet.core;

/** The reviews service of Istio's Bookinfo, as YAML with endpoint addresses filled in. */
public final class BookinfoYaml {
  private BookinfoYaml() {}

  public static String reviews(String v1, String v2, String v3) {
    return """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata:
          name: reviews
        spec:
          hosts: [reviews]
          location: MESH_INTERNAL
          resolution: STATIC
          ports:
          - number: 9080
            name: http
            protocol: HTTP
          endpoints:
          - address: %s
            labels: {app: reviews, version: v1}
          - address: %s
            labels: {app: reviews, version: v2}
          - address: %s
            labels: {app: reviews, version: v3}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: reviews
        spec:
          host: reviews
          subsets:
          - name: v1
            labels: {version: v1}
          - name: v2
            labels: {version: v2}
          - name: v3
            labels: {version: v3}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: reviews
        spec:
          hosts: [reviews]
          http:
          - name: jason
            match:
            - headers:
                end-user:
                  exact: jason
            route:
            - destination: {host: reviews, subset: v2}
          - name: split
            route:
            - destination: {host: reviews, subset: v1}
              weight: 80
            - destination: {host: reviews, subset: v3}
              weight: 20
        """.formatted(v1, v2, v3);
  }
}
