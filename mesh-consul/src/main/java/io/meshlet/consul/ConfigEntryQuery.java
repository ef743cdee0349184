package io.meshlet.consul;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /v1/config/<kind>} (consul-client has no config-entry API) as a {@link
 * BlockingQuery.Call}, with OkHttp and Jackson 3: the entries as JSON trees, for {@link ConfigEntries}.
 */
final class ConfigEntryQuery implements BlockingQuery.Call<List<JsonNode>> {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final OkHttpClient http;
  private final String kind;
  private final ConsulSettings settings;

  ConfigEntryQuery(OkHttpClient http, String kind, ConsulSettings settings) {
    this.http = http;
    this.kind = kind;
    this.settings = settings;
  }

  @Override
  public void start(BigInteger index, BlockingQuery.Answer<List<JsonNode>> answer) {
    HttpUrl base = HttpUrl.get(settings.address().toString());
    HttpUrl.Builder url = base.newBuilder().addPathSegments("v1/config").addPathSegment(kind)
        .addQueryParameter("index", index.toString()).addQueryParameter("wait", settings.waitSeconds() + "s");
    if (settings.datacenter() != null) {
      url.addQueryParameter("dc", settings.datacenter());
    }
    if (settings.consulNamespace() != null) {
      url.addQueryParameter("ns", settings.consulNamespace());
    }
    Request.Builder request = new Request.Builder().url(url.build());
    if (settings.token() != null) {
      request.header("X-Consul-Token", settings.token());
    }
    http.newCall(request.build()).enqueue(new Callback() {
      @Override
      public void onFailure(Call call, IOException e) {
        answer.failure(e);
      }

      @Override
      public void onResponse(Call call, Response response) {
        try (ResponseBody body = response.body()) {
          if (!response.isSuccessful()) {
            answer.failure(new IOException("GET /v1/config/" + kind + ": HTTP " + response.code() + " " + body.string().trim()));
            return;
          }
          JsonNode tree = JSON.readTree(body.string());
          List<JsonNode> out = new ArrayList<>();
          if (tree != null && tree.isArray()) {
            tree.forEach(out::add);
          }
          String header = response.header("X-Consul-Index");
          answer.value(out, header == null ? null : new BigInteger(header.trim()));
        } catch (IOException | RuntimeException e) {
          answer.failure(e);
        }
      }
    });
  }
}
