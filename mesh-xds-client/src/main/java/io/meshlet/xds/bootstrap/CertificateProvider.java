package io.meshlet.xds.bootstrap;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One entry of {@code certificate_providers} (gRFC A29): a plugin and its config, referenced by its
 * instance name from the control plane's security config.
 *
 * @param fileWatcher the parsed config when {@code pluginName} is {@code file_watcher}, else null
 */
public record CertificateProvider(String pluginName, Map<String, Object> config, @Nullable CertificateFiles fileWatcher) {
  public static final String FILE_WATCHER = "file_watcher";

  public CertificateProvider {
    requireNonNull(pluginName, "pluginName");
    config = JsonValues.immutableCopy(requireNonNull(config, "config"));
  }
}
