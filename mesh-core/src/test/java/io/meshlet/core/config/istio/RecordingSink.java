package io.meshlet.core.config.istio;

import io.meshlet.core.config.ConfigSink;
import io.meshlet.core.config.SourceUpdate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A sink that records what it is given, safe to read from the test thread. */
class RecordingSink implements ConfigSink {
  final List<SourceUpdate> updates = new CopyOnWriteArrayList<>();
  final List<String> failures = new CopyOnWriteArrayList<>();

  @Override
  public void accept(SourceUpdate update) {
    updates.add(update);
  }

  @Override
  public void sourceFailed(String source, String reason) {
    failures.add(source + " | " + reason);
  }

  SourceUpdate last() {
    return updates.get(updates.size() - 1);
  }
}
