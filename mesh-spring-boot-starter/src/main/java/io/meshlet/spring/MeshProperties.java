package io.meshlet.spring;

import io.meshlet.core.Mesh;
import io.meshlet.core.telemetry.AccessLog;
import io.meshlet.core.OutboundTrafficPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code mesh.*} properties. Those of the mesh itself map one to one to {@link Mesh.Builder}
 * options, and unset ones keep the builder's default; {@code enabled}, {@code client} and {@code
 * server} switch the starter's own pieces.
 */
@ConfigurationProperties(prefix = "mesh")
public class MeshProperties {
  /** Whether to create the Mesh bean and everything built on it. */
  private boolean enabled = true;

  /** This workload's name (Istio's app label); defaults to spring.application.name. */
  private @Nullable String workload;

  /**
   * The namespace short host names are qualified with and policies are selected in; defaults to the
   * xDS bootstrap's node namespace, else "default".
   */
  private @Nullable String namespace;

  /**
   * Where this workload runs, region/zone/subzone: orders endpoints for locality failover and picks
   * the localityLbSetting distribute rule; defaults to the xDS bootstrap's node locality, else unknown.
   */
  private @Nullable String locality;

  /** This workload's labels, matched by sourceLabels and policy selectors; defaults to the xDS bootstrap's, else none. */
  private @Nullable Map<String, String> labels;

  /** Istio's root namespace: PeerAuthentication and AuthorizationPolicy there without a selector cover the mesh. */
  private @Nullable String rootNamespace;

  /** Proxies in front of this workload that append to X-Forwarded-For (Istio's gatewayTopology.numTrustedProxies). */
  private @Nullable Integer numTrustedProxies;

  /** ALLOW_ANY (Istio's default) lets calls to hosts the mesh does not know go out unchanged; REGISTRY_ONLY refuses them. */
  private @Nullable OutboundTrafficPolicy outboundTrafficPolicy;

  /** Ports this workload serves on, whose inbound listener (mTLS, authorization, rate limit) xDS sends. */
  private List<Integer> serverPorts = new ArrayList<>();

  private final Config config = new Config();
  private final Xds xds = new Xds();
  private final Consul consul = new Consul();
  private final Certificates certificates = new Certificates();
  private final Startup startup = new Startup();
  private final Client client = new Client();
  private final Server server = new Server();
  private final Telemetry telemetry = new Telemetry();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public @Nullable String getWorkload() {
    return workload;
  }

  public void setWorkload(@Nullable String workload) {
    this.workload = workload;
  }

  public @Nullable String getNamespace() {
    return namespace;
  }

  public void setNamespace(@Nullable String namespace) {
    this.namespace = namespace;
  }

  public @Nullable String getLocality() {
    return locality;
  }

  public void setLocality(@Nullable String locality) {
    this.locality = locality;
  }

  public @Nullable Map<String, String> getLabels() {
    return labels;
  }

  public void setLabels(@Nullable Map<String, String> labels) {
    this.labels = labels == null ? null : new LinkedHashMap<>(labels);
  }

  public @Nullable String getRootNamespace() {
    return rootNamespace;
  }

  public void setRootNamespace(@Nullable String rootNamespace) {
    this.rootNamespace = rootNamespace;
  }

  public @Nullable Integer getNumTrustedProxies() {
    return numTrustedProxies;
  }

  public void setNumTrustedProxies(@Nullable Integer numTrustedProxies) {
    this.numTrustedProxies = numTrustedProxies;
  }

  public @Nullable OutboundTrafficPolicy getOutboundTrafficPolicy() {
    return outboundTrafficPolicy;
  }

  public void setOutboundTrafficPolicy(@Nullable OutboundTrafficPolicy outboundTrafficPolicy) {
    this.outboundTrafficPolicy = outboundTrafficPolicy;
  }

  public List<Integer> getServerPorts() {
    return serverPorts;
  }

  public void setServerPorts(List<Integer> serverPorts) {
    this.serverPorts = new ArrayList<>(serverPorts);
  }

  public Config getConfig() {
    return config;
  }

  public Xds getXds() {
    return xds;
  }

  public Consul getConsul() {
    return consul;
  }

  public Certificates getCertificates() {
    return certificates;
  }

  public Startup getStartup() {
    return startup;
  }

  public Client getClient() {
    return client;
  }

  public Server getServer() {
    return server;
  }

  public Telemetry getTelemetry() {
    return telemetry;
  }

  /** Istio YAML files. */
  public static class Config {
    /**
     * Istio YAML files or directories, watched for changes: file paths, or classpath: locations (a
     * classpath resource inside a jar is read once, as it cannot change).
     */
    private List<String> files = new ArrayList<>();

    /** How often the files are checked for changes. */
    private Duration pollInterval = Mesh.Builder.DEFAULT_POLL_INTERVAL;

    public List<String> getFiles() {
      return files;
    }

    public void setFiles(List<String> files) {
      this.files = new ArrayList<>(files);
    }

    public Duration getPollInterval() {
      return pollInterval;
    }

    public void setPollInterval(Duration pollInterval) {
      this.pollInterval = pollInterval;
    }
  }

  /** Config from an xDS control plane (needs io.meshlet:mesh-xds-client). */
  public static class Xds {
    /** gRPC's xDS bootstrap file (as istio-agent writes it). */
    private @Nullable Path bootstrap;

    /**
     * Whether to take the bootstrap from GRPC_XDS_BOOTSTRAP or GRPC_XDS_BOOTSTRAP_CONFIG when either is
     * set and mesh.xds.bootstrap is not.
     */
    private boolean fromEnvironment = true;

    /**
     * Node metadata sent to the control plane besides the bootstrap's node.metadata, merged over it
     * (a key given here wins); for example MESHLET_METRICS_URL. Values may be nested maps and lists.
     */
    private Map<String, Object> metadata = new LinkedHashMap<>();

    public Map<String, Object> getMetadata() {
      return metadata;
    }

    public void setMetadata(Map<String, Object> metadata) {
      this.metadata = new LinkedHashMap<>(metadata);
    }

    public @Nullable Path getBootstrap() {
      return bootstrap;
    }

    public void setBootstrap(@Nullable Path bootstrap) {
      this.bootstrap = bootstrap;
    }

    public boolean isFromEnvironment() {
      return fromEnvironment;
    }

    public void setFromEnvironment(boolean fromEnvironment) {
      this.fromEnvironment = fromEnvironment;
    }
  }

  /**
   * Endpoints (and, if asked, L7 config entries) from a Consul agent; on when services are listed or
   * all-services is true (needs io.meshlet:mesh-consul).
   */
  public static class Consul {
    /** The agent's HTTP API. */
    private URI address = URI.create("http://127.0.0.1:8500");

    /** The ACL token sent with every request (X-Consul-Token). */
    private @Nullable String token;

    /** The datacenter to read; the agent's own by default. */
    private @Nullable String datacenter;

    /** The Consul Enterprise namespace to read; the token's by default. */
    private @Nullable String namespace;

    /** The Consul services to watch, by name. */
    private List<String> services = new ArrayList<>();

    /** Whether to watch every service in the catalog instead of a list. */
    private boolean allServices;

    /**
     * The mesh hosts each service is known by: consul (reviews.service.consul) and/or kubernetes
     * (reviews.<mesh.namespace>.svc.cluster.local, and reviews for callers in that namespace); the first is the
     * one Consul's config entries route to.
     */
    private List<String> hostForms = new ArrayList<>(List.of("consul"));

    /** The port number of each service's one mesh port (calls on any port reach it). */
    private int servicePort = 80;

    /** Whether only instances whose checks all pass are endpoints; if false, warning ones are too. */
    private boolean passingOnly = true;

    /** Whether to read service-resolver, service-splitter and service-router config entries. */
    private boolean configEntries;

    /** How long the agent may hold a blocking query (Consul's wait). */
    private Duration wait = Duration.ofMinutes(5);

    public URI getAddress() {
      return address;
    }

    public void setAddress(URI address) {
      this.address = address;
    }

    public @Nullable String getToken() {
      return token;
    }

    public void setToken(@Nullable String token) {
      this.token = token;
    }

    public @Nullable String getDatacenter() {
      return datacenter;
    }

    public void setDatacenter(@Nullable String datacenter) {
      this.datacenter = datacenter;
    }

    public @Nullable String getNamespace() {
      return namespace;
    }

    public void setNamespace(@Nullable String namespace) {
      this.namespace = namespace;
    }

    public List<String> getServices() {
      return services;
    }

    public void setServices(List<String> services) {
      this.services = new ArrayList<>(services);
    }

    public boolean isAllServices() {
      return allServices;
    }

    public void setAllServices(boolean allServices) {
      this.allServices = allServices;
    }

    public List<String> getHostForms() {
      return hostForms;
    }

    public void setHostForms(List<String> hostForms) {
      this.hostForms = new ArrayList<>(hostForms);
    }

    public int getServicePort() {
      return servicePort;
    }

    public void setServicePort(int servicePort) {
      this.servicePort = servicePort;
    }

    public boolean isPassingOnly() {
      return passingOnly;
    }

    public void setPassingOnly(boolean passingOnly) {
      this.passingOnly = passingOnly;
    }

    public boolean isConfigEntries() {
      return configEntries;
    }

    public void setConfigEntries(boolean configEntries) {
      this.configEntries = configEntries;
    }

    public Duration getWait() {
      return wait;
    }

    public void setWait(Duration wait) {
      this.wait = wait;
    }
  }

  /** The workload's certificate for mutual TLS, as PEM files re-read when they change (gRPC's file_watcher). */
  public static class Certificates {
    /** The certificate chain (istio-agent's cert-chain.pem). */
    private @Nullable Path certificateChain;

    /** The private key (key.pem). */
    private @Nullable Path privateKey;

    /** The CA certificates peers are checked against (root-cert.pem). */
    private @Nullable Path caCertificates;

    public @Nullable Path getCertificateChain() {
      return certificateChain;
    }

    public void setCertificateChain(@Nullable Path certificateChain) {
      this.certificateChain = certificateChain;
    }

    public @Nullable Path getPrivateKey() {
      return privateKey;
    }

    public void setPrivateKey(@Nullable Path privateKey) {
      this.privateKey = privateKey;
    }

    public @Nullable Path getCaCertificates() {
      return caCertificates;
    }

    public void setCaCertificates(@Nullable Path caCertificates) {
      this.caCertificates = caCertificates;
    }
  }

  /** How the application waits for the mesh's first config. */
  public static class Startup {
    /**
     * Whether startup waits for every source's first valid config and fails, naming the offending
     * field, when it is invalid. With false the application starts at once and the mesh health
     * contributor stays DOWN until the config is in.
     */
    private boolean awaitFirstConfig = true;

    /** How long startup waits for the first valid config. */
    private Duration timeout = Mesh.Builder.DEFAULT_STARTUP_TIMEOUT;

    public boolean isAwaitFirstConfig() {
      return awaitFirstConfig;
    }

    public void setAwaitFirstConfig(boolean awaitFirstConfig) {
      this.awaitFirstConfig = awaitFirstConfig;
    }

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }
  }

  /** The client side. */
  public static class Client {
    /** Whether the RestClient.Builder Spring Boot auto-configures sends its calls through the mesh. */
    private boolean restClientBuilder = true;

    /** Whether Spring gRPC's channel factory makes mesh channels for mesh targets (an authority such as reviews:9080, not a scheme or a named Boot channel). */
    private boolean grpcChannels = true;

    public boolean isGrpcChannels() {
      return grpcChannels;
    }

    public void setGrpcChannels(boolean grpcChannels) {
      this.grpcChannels = grpcChannels;
    }

    public boolean isRestClientBuilder() {
      return restClientBuilder;
    }

    public void setRestClientBuilder(boolean restClientBuilder) {
      this.restClientBuilder = restClientBuilder;
    }
  }

  /** The server side. */
  public static class Server {
    /** Whether MeshServletFilter (caller identity, authorization, rate limits, deadlines) runs first in a servlet application's filter chain. */
    private boolean filter = true;

    /** Whether MeshGrpc's server interceptor (the same checks for gRPC) runs first on every service of Spring gRPC's server, with its stream tracer (served calls' body bytes) on the server builder. */
    private boolean grpcInterceptor = true;

    /**
     * Whether Spring gRPC's Netty server serves mutual TLS with the mesh's certificate (the SSL bundle
     * mesh, following rotation; client certificates optional, PeerAuthentication decides) when the
     * mesh has a certificate and spring.grpc.server.ssl.enabled and .bundle are not set. The port
     * then refuses plaintext callers, whatever the PeerAuthentication mode.
     */
    private boolean grpcTls = true;

    public boolean isGrpcTls() {
      return grpcTls;
    }

    public void setGrpcTls(boolean grpcTls) {
      this.grpcTls = grpcTls;
    }

    public boolean isFilter() {
      return filter;
    }

    public void setFilter(boolean filter) {
      this.filter = filter;
    }

    public boolean isGrpcInterceptor() {
      return grpcInterceptor;
    }

    public void setGrpcInterceptor(boolean grpcInterceptor) {
      this.grpcInterceptor = grpcInterceptor;
    }
  }

  /** Istio's metrics, traces and access log, on the application's own registry and OpenTelemetry. */
  public static class Telemetry {
    /** Whether Istio's standard metrics go to the application's MeterRegistry bean (with actuator, /actuator/prometheus shows them). */
    private boolean metrics = true;

    /** Whether client and server spans go to the application's OpenTelemetry bean, with trace context propagated to calls made while serving. */
    private boolean tracing = true;

    /** One access-log line per request to the logger io.meshlet.accesslog: text (Istio's default format) or json; unset, a Telemetry resource decides. */
    private AccessLog.@Nullable Format accessLog;

    /**
     * The URL of this workload's Prometheus text, announced to the xDS control plane as node metadata
     * MESHLET_METRICS_URL (mesh-control-plane's console reads the series there); unset, it is derived
     * from the actuator's prometheus endpoint when metrics-url-from-actuator allows.
     */
    private @Nullable String metricsUrl;

    /**
     * Whether, with xDS, no metrics-url and no MESHLET_METRICS_URL in mesh.xds.metadata, the actuator's
     * prometheus endpoint is announced (scheme://host:port/actuator/prometheus: host server.address,
     * else this host's address; the management port and base path when set), when it is exposed over
     * HTTP on a fixed port (management.server.port, else server.port; not with port 0).
     */
    private boolean metricsUrlFromActuator = true;

    public @Nullable String getMetricsUrl() {
      return metricsUrl;
    }

    public void setMetricsUrl(@Nullable String metricsUrl) {
      this.metricsUrl = metricsUrl;
    }

    public boolean isMetricsUrlFromActuator() {
      return metricsUrlFromActuator;
    }

    public void setMetricsUrlFromActuator(boolean metricsUrlFromActuator) {
      this.metricsUrlFromActuator = metricsUrlFromActuator;
    }

    public boolean isMetrics() {
      return metrics;
    }

    public void setMetrics(boolean metrics) {
      this.metrics = metrics;
    }

    public boolean isTracing() {
      return tracing;
    }

    public void setTracing(boolean tracing) {
      this.tracing = tracing;
    }

    public AccessLog.@Nullable Format getAccessLog() {
      return accessLog;
    }

    public void setAccessLog(AccessLog.@Nullable Format accessLog) {
      this.accessLog = accessLog;
    }
  }
}
