package io.meshlet.spring;

import io.meshlet.core.MeshStartupException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Says plainly why the mesh did not start: the mesh's own message names each offending field and its path. */
final class MeshStartupFailureAnalyzer extends AbstractFailureAnalyzer<MeshStartupException> {
  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, MeshStartupException cause) {
    return new FailureAnalysis("The mesh did not get a valid first config:\n" + cause.getMessage(),
        "Fix the fields named above (mesh.config.files, mesh.xds.bootstrap or the control plane's config), "
            + "or set mesh.startup.await-first-config=false to start without it (the 'mesh' health contributor "
            + "then stays DOWN until a valid config is in).",
        cause);
  }
}
