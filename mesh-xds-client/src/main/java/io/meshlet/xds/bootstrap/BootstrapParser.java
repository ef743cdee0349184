package io.meshlet.xds.bootstrap;

import com.google.protobuf.util.Durations;
import io.meshlet.core.config.XdsBootstrapEnvironment;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads one bootstrap JSON text. Every error is collected with the path of its field; fields gRPC
 * does not define are tolerated (as gRPC does) and listed. Not thread-safe: one instance per text.
 */
final class BootstrapParser {
  private static final ObjectReader READER = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build()
      .readerFor(JsonNode.class);

  static final String EXPECTED_TARGET = "a target such as unix:///etc/istio/proxy/XDS or istiod.istio-system.svc:15010";
  static final String EXPECTED_NODE_ID = "the node's id, such as sidecar~10.0.0.1~productpage-v1-abc.default~default.svc.cluster.local";
  static final String EXPECTED_CREDS_TYPE = "one of " + String.join(", ", ChannelCredentials.KNOWN_TYPES);
  static final String EXPECTED_FILES = "certificate_file and private_key_file, ca_certificate_file, or all three";

  private static final Set<String> TOP_LEVEL = Set.of("xds_servers", "node", "certificate_providers",
      "server_listener_resource_name_template", "client_default_listener_resource_name_template", "authorities");
  private static final Set<String> SERVER = Set.of("server_uri", "channel_creds", "server_features");
  private static final Set<String> CREDS = Set.of("type", "config");
  private static final Set<String> NODE = Set.of("id", "cluster", "locality", "metadata");
  private static final Set<String> LOCALITY = Set.of("region", "zone", "sub_zone");
  private static final Set<String> PROVIDER = Set.of("plugin_name", "config");
  private static final Set<String> AUTHORITY = Set.of("client_listener_resource_name_template", "xds_servers");

  private final String source;
  private final List<String> errors = new ArrayList<>();
  private final List<String> ignored = new ArrayList<>();

  private BootstrapParser(String source) {
    this.source = source;
  }

  static XdsBootstrap parse(String json, String source) {
    return new BootstrapParser(source).bootstrap(json);
  }

  static String prefix(String source) {
    return "bootstrap (" + source + "): ";
  }

  private XdsBootstrap bootstrap(String json) {
    if (json.isBlank()) {
      throw new XdsBootstrapException(List.of(prefix(source) + "empty (expected: a JSON object)"));
    }
    JsonNode root;
    try {
      root = READER.readValue(json);
    } catch (JacksonException e) {
      throw new XdsBootstrapException(List.of(prefix(source) + syntaxError(e)));
    }
    if (root == null || !root.isObject()) {
      throw new XdsBootstrapException(List.of(prefix(source) + JsonValues.render(root) + " (expected: a JSON object)"));
    }
    unknownFields(root, "", TOP_LEVEL);

    List<XdsServer> servers = servers(root.get("xds_servers"), "xds_servers", true);
    Node node = node(root.get("node"));
    Map<String, CertificateProvider> providers = certificateProviders(root.get("certificate_providers"));
    String serverTemplate = optionalString(root, "", "server_listener_resource_name_template", "a string");
    String clientTemplate = optionalString(root, "", "client_default_listener_resource_name_template", "a string");
    Map<String, Authority> authorities = authorities(root.get("authorities"));

    if (!errors.isEmpty()) {
      throw new XdsBootstrapException(errors);
    }
    return new XdsBootstrap(source, servers, node, providers, serverTemplate, clientTemplate, authorities, ignored);
  }

  // --- xds_servers

  private List<XdsServer> servers(@Nullable JsonNode n, String path, boolean required) {
    if (absent(n)) {
      if (required) {
        error(path, "missing (expected: at least one server)");
      }
      return List.of();
    }
    if (!n.isArray()) {
      error(path, JsonValues.render(n) + " (expected: an array of servers)");
      return List.of();
    }
    if (n.isEmpty() && required) {
      error(path, "empty (expected: at least one server)");
    }
    List<XdsServer> servers = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      XdsServer server = server(n.get(i), path + "[" + i + "]");
      if (server != null) {
        servers.add(server);
      }
    }
    return servers;
  }

  private @Nullable XdsServer server(JsonNode n, String path) {
    if (!object(n, path)) {
      return null;
    }
    unknownFields(n, path, SERVER);
    String uri = requiredString(n, path, "server_uri", EXPECTED_TARGET);
    if (uri != null) {
      checkTarget(uri, join(path, "server_uri"));
    }
    List<ChannelCredentials> creds = channelCreds(n.get("channel_creds"), join(path, "channel_creds"));
    List<String> features = serverFeatures(n.get("server_features"), join(path, "server_features"));
    return uri == null ? null : new XdsServer(uri, creds, features);
  }

  private void checkTarget(String uri, String path) {
    String unix = XdsServer.unixPath(uri);
    if (unix != null && unix.isEmpty()) {
      error(path, "'" + uri + "' (expected: unix:///absolute/path or unix:relative/path)");
      return;
    }
    String hostPort = XdsServer.hostPort(uri);
    if (hostPort != null && (hostPort.isEmpty() || hostPort.startsWith(":"))) {
      error(path, "'" + uri + "' (expected: " + EXPECTED_TARGET + ")");
    }
  }

  private List<ChannelCredentials> channelCreds(@Nullable JsonNode n, String path) {
    String example = "[{\"type\": \"insecure\"}]";
    if (absent(n)) {
      error(path, "missing (expected: an array such as " + example + ")");
      return List.of();
    }
    if (!n.isArray()) {
      error(path, JsonValues.render(n) + " (expected: an array such as " + example + ")");
      return List.of();
    }
    if (n.isEmpty()) {
      error(path, "empty (expected: an array such as " + example + ")");
      return List.of();
    }
    List<ChannelCredentials> creds = new ArrayList<>();
    boolean allTyped = true;
    for (int i = 0; i < n.size(); i++) {
      ChannelCredentials c = channelCred(n.get(i), path + "[" + i + "]");
      if (c == null) {
        allTyped = false;
      } else {
        creds.add(c);
      }
    }
    if (allTyped && creds.stream().noneMatch(ChannelCredentials::isKnownType)) {
      error(path, "no supported type in " + String.join(", ", creds.stream().map(c -> "'" + c.type() + "'").toList())
          + " (expected: " + EXPECTED_CREDS_TYPE + ")");
    }
    return creds;
  }

  private @Nullable ChannelCredentials channelCred(JsonNode n, String path) {
    if (!object(n, path)) {
      return null;
    }
    unknownFields(n, path, CREDS);
    String type = requiredString(n, path, "type", EXPECTED_CREDS_TYPE);
    JsonNode config = optionalObject(n, path, "config");
    CertificateFiles tls = null;
    if (ChannelCredentials.TLS.equals(type)) {
      tls = certificateFiles(config, join(path, "config"), false);
    }
    return type == null ? null : new ChannelCredentials(type, config == null ? Map.of() : JsonValues.asMap(config), tls);
  }

  private List<String> serverFeatures(@Nullable JsonNode n, String path) {
    if (absent(n)) {
      return List.of();
    }
    if (!n.isArray()) {
      error(path, JsonValues.render(n) + " (expected: an array of strings)");
      return List.of();
    }
    List<String> features = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      JsonNode f = n.get(i);
      if (f.isString()) {
        features.add(f.stringValue());
      } else {
        // gRPC ignores entries it does not understand, whatever their type.
        ignored.add(path + "[" + i + "]");
      }
    }
    return features;
  }

  // --- node

  private Node node(@Nullable JsonNode n) {
    if (absent(n)) {
      error("node", "missing (expected: an object with an id)");
      return new Node("", "", Locality.EMPTY, Map.of());
    }
    if (!object(n, "node")) {
      return new Node("", "", Locality.EMPTY, Map.of());
    }
    unknownFields(n, "node", NODE);
    String id = requiredString(n, "node", "id", EXPECTED_NODE_ID);
    String cluster = optionalString(n, "node", "cluster", "a string");
    Locality locality = Locality.EMPTY;
    JsonNode l = optionalObject(n, "node", "locality");
    if (l != null) {
      unknownFields(l, "node.locality", LOCALITY);
      String region = optionalString(l, "node.locality", "region", "a string");
      String zone = optionalString(l, "node.locality", "zone", "a string");
      String subZone = optionalString(l, "node.locality", "sub_zone", "a string");
      locality = new Locality(orEmpty(region), orEmpty(zone), orEmpty(subZone));
    }
    JsonNode metadata = optionalObject(n, "node", "metadata");
    return new Node(orEmpty(id), orEmpty(cluster), locality, metadata == null ? Map.of() : JsonValues.asMap(metadata));
  }

  // --- certificate_providers

  private Map<String, CertificateProvider> certificateProviders(@Nullable JsonNode n) {
    String path = "certificate_providers";
    if (absent(n) || !object(n, path)) {
      return Map.of();
    }
    Map<String, CertificateProvider> providers = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      String p = join(path, e.getKey());
      if (!object(e.getValue(), p)) {
        continue;
      }
      JsonNode provider = e.getValue();
      unknownFields(provider, p, PROVIDER);
      String plugin = requiredString(provider, p, "plugin_name", "a plugin name such as file_watcher");
      JsonNode config = optionalObject(provider, p, "config");
      CertificateFiles files = null;
      if (CertificateProvider.FILE_WATCHER.equals(plugin)) {
        files = certificateFiles(config, join(p, "config"), true);
      }
      if (plugin != null) {
        providers.put(e.getKey(), new CertificateProvider(plugin, config == null ? Map.of() : JsonValues.asMap(config), files));
      }
    }
    return providers;
  }

  /**
   * The files of {@code file_watcher} (at least one of the identity pair and the CA required) or
   * {@code tls} channel credentials (all optional). Other fields of the plugin's config are the plugin's.
   */
  private @Nullable CertificateFiles certificateFiles(@Nullable JsonNode config, String path, boolean requireFiles) {
    if (config == null) {
      if (requireFiles) {
        error(path, "missing (expected: " + EXPECTED_FILES + ")");
      }
      return requireFiles ? null : new CertificateFiles(null, null, null, CertificateFiles.DEFAULT_REFRESH_INTERVAL);
    }
    int before = errors.size();
    String cert = optionalString(config, path, "certificate_file", "a file path");
    String key = optionalString(config, path, "private_key_file", "a file path");
    String ca = optionalString(config, path, "ca_certificate_file", "a file path");
    Duration refresh = CertificateFiles.DEFAULT_REFRESH_INTERVAL;
    JsonNode r = config.get("refresh_interval");
    if (!absent(r)) {
      refresh = duration(r, join(path, "refresh_interval"));
    }
    if (cert != null && key == null) {
      error(join(path, "certificate_file"), "given without private_key_file (expected: both or neither)");
    } else if (key != null && cert == null) {
      error(join(path, "private_key_file"), "given without certificate_file (expected: both or neither)");
    } else if (requireFiles && cert == null && ca == null && errors.size() == before) {
      error(path, "no files (expected: " + EXPECTED_FILES + ")");
    }
    if (errors.size() != before || refresh == null) {
      return null;
    }
    return new CertificateFiles(cert, key, ca, refresh);
  }

  private @Nullable Duration duration(JsonNode n, String path) {
    String expected = " (expected: a positive duration such as 600s)";
    if (!n.isString()) {
      error(path, JsonValues.render(n) + expected);
      return null;
    }
    try {
      com.google.protobuf.Duration d = Durations.parse(n.stringValue());
      Duration duration = Duration.ofSeconds(d.getSeconds(), d.getNanos());
      if (duration.isNegative() || duration.isZero()) {
        error(path, JsonValues.render(n) + expected);
        return null;
      }
      return duration;
    } catch (ParseException | IllegalArgumentException e) {
      error(path, JsonValues.render(n) + expected);
      return null;
    }
  }

  // --- authorities

  private Map<String, Authority> authorities(@Nullable JsonNode n) {
    String path = "authorities";
    if (absent(n) || !object(n, path)) {
      return Map.of();
    }
    Map<String, Authority> authorities = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      String name = e.getKey();
      String p = join(path, name);
      if (!object(e.getValue(), p)) {
        continue;
      }
      JsonNode a = e.getValue();
      unknownFields(a, p, AUTHORITY);
      String prefix = "xdstp://" + name + "/";
      String template = optionalString(a, p, "client_listener_resource_name_template", "a string starting with " + prefix);
      if (template != null && !template.startsWith(prefix)) {
        error(join(p, "client_listener_resource_name_template"),
            "'" + template + "' (expected: a string starting with " + prefix + ")");
      }
      List<XdsServer> servers = servers(a.get("xds_servers"), join(p, "xds_servers"), false);
      authorities.put(name, new Authority(name,
          template != null ? template : Authority.defaultClientListenerResourceNameTemplate(name), servers));
    }
    return authorities;
  }

  // --- helpers

  private @Nullable String requiredString(JsonNode object, String path, String field, String expected) {
    JsonNode n = object.get(field);
    String p = join(path, field);
    if (absent(n)) {
      error(p, "missing (expected: " + expected + ")");
      return null;
    }
    if (!n.isString() || n.stringValue().isEmpty()) {
      error(p, JsonValues.render(n) + " (expected: " + expected + ")");
      return null;
    }
    return n.stringValue();
  }

  private @Nullable String optionalString(JsonNode object, String path, String field, String expected) {
    JsonNode n = object.get(field);
    if (absent(n)) {
      return null;
    }
    if (!n.isString()) {
      error(join(path, field), JsonValues.render(n) + " (expected: " + expected + ")");
      return null;
    }
    return n.stringValue();
  }

  private @Nullable JsonNode optionalObject(JsonNode object, String path, String field) {
    JsonNode n = object.get(field);
    if (absent(n)) {
      return null;
    }
    return object(n, join(path, field)) ? n : null;
  }

  private boolean object(JsonNode n, String path) {
    if (!n.isObject()) {
      error(path, JsonValues.render(n) + " (expected: an object)");
      return false;
    }
    return true;
  }

  private void unknownFields(JsonNode object, String path, Set<String> known) {
    for (String name : object.propertyNames()) {
      if (!known.contains(name)) {
        ignored.add(join(path, name));
      }
    }
  }

  /** Absent, or JSON null (gRPC treats both alike). */
  private static boolean absent(@Nullable JsonNode n) {
    return n == null || n.isNull() || n.isMissingNode();
  }

  private static String orEmpty(@Nullable String s) {
    return s == null ? "" : s;
  }

  private static String join(String parent, String field) {
    return parent.isEmpty() ? field : parent + "." + field;
  }

  private void error(String path, String message) {
    errors.add(prefix(source) + (path.isEmpty() ? "" : path + ": ") + message);
  }

  private static String syntaxError(JacksonException e) {
    String message = e.getOriginalMessage();
    String text = message == null ? e.getClass().getSimpleName() : message.lines().findFirst().orElse("").strip();
    if (text.startsWith("Trailing token")) {
      text = "more text after the JSON object (expected: one JSON object)";
    }
    TokenStreamLocation where = e.getLocation();
    int line = where == null ? -1 : where.getLineNr();
    int column = where == null ? -1 : where.getColumnNr();
    return "JSON syntax error" + (line > 0 ? " at line " + line + ", column " + column : "") + ": " + text;
  }

  /** Reads the environment as gRPC does ({@link XdsBootstrapEnvironment}: a file named wins over the JSON). */
  static XdsBootstrap fromEnvironment(Function<String, @Nullable String> env) {
    String path = XdsBootstrapEnvironment.path(env);
    if (path != null) {
      return XdsBootstrap.fromPath(java.nio.file.Path.of(path), " (named by " + XdsBootstrap.ENV_BOOTSTRAP + ")");
    }
    String config = XdsBootstrapEnvironment.json(env);
    if (config != null) {
      return parse(config, XdsBootstrap.ENV_BOOTSTRAP_CONFIG);
    }
    throw new XdsBootstrapException(List.of("bootstrap: neither " + XdsBootstrap.ENV_BOOTSTRAP + " nor "
        + XdsBootstrap.ENV_BOOTSTRAP_CONFIG + " is set (expected: " + XdsBootstrap.ENV_BOOTSTRAP
        + ", the path of the bootstrap file, or " + XdsBootstrap.ENV_BOOTSTRAP_CONFIG + ", its JSON)"));
  }

}
