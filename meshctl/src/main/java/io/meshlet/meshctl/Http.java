package io.meshlet.meshctl;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** GETs of JSON from a workload's actuator or the control plane's admin API; a non-200 answer is an error naming the URL. */
final class Http {
  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Http() {}

  static JsonNode get(URI base, String path, Map<String, String> query) {
    StringBuilder url = new StringBuilder(strip(base.toString())).append(path);
    char sep = path.indexOf('?') >= 0 ? '&' : '?';
    for (Map.Entry<String, String> e : query.entrySet()) {
      url.append(sep).append(encode(e.getKey())).append('=').append(encode(e.getValue()));
      sep = '&';
    }
    URI uri = URI.create(url.toString());
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header("Accept", "application/json").GET().build();
    HttpResponse<String> response;
    try {
      response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new CommandException(uri + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandException(uri + ": interrupted");
    }
    if (response.statusCode() != 200) {
      throw new CommandException(uri + ": HTTP " + response.statusCode() + " " + response.body().strip());
    }
    try {
      return JSON.readTree(response.body());
    } catch (RuntimeException e) {
      throw new CommandException(uri + ": not JSON (" + e.getMessage() + ")");
    }
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String strip(String base) {
    return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }
}
