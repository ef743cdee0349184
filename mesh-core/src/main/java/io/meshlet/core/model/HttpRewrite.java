package io.meshlet.core.model;

import org.jspecify.annotations.Nullable;

/**
 * Istio's {@code HTTPRewrite}. {@code uri} replaces the matched prefix (or the whole path for other
 * matches); {@code uriRegexMatch}/{@code uriRegexRewrite} replace every match of a regex in the path
 * ({@code \1} style group references are accepted as Envoy does).
 */
public record HttpRewrite(
    @Nullable String uri,
    @Nullable String authority,
    @Nullable String uriRegexMatch,
    @Nullable String uriRegexRewrite) {}
