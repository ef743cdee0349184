package io.meshlet.consul;

import io.meshlet.core.config.ConfigProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Keeps the config entries' last good translation apart from the endpoints, so that a bad entry
 * does not hold back endpoint changes. New entries with errors are delivered once as they are (the
 * mesh rejects that update, naming each field); while those same entries stay, later updates
 * (endpoint changes) carry the last good translation instead, with the entries' errors as warnings.
 * Only the source's executor calls it.
 */
final class EntriesLastGood {
  static final String KEPT = "rejected, the last good config entries stay in force: ";

  private final String source;
  private List<String> seenServices = List.of();
  private @Nullable Map<String, List<JsonNode>> seen;
  private ConfigEntries.Translation good = ConfigEntries.Translation.EMPTY;
  private List<ConfigProblem> goodProblems = List.of();

  EntriesLastGood(String source) {
    this.source = source;
  }

  /** The resources to deliver for {@code entries} with the services watched {@code now}, adding their problems to {@code problems}. */
  ConfigEntries.Translation translate(Map<String, List<JsonNode>> entries, ConsulSettings now, List<ConfigProblem> problems) {
    List<ConfigProblem> found = new ArrayList<>();
    ConfigEntries.Translation resources = ConfigEntries.translation(entries, now, source, found);
    boolean changed = !entries.equals(seen) || !now.services().equals(seenServices);
    seen = Map.copyOf(entries);
    seenServices = now.services();
    if (ConfigProblem.errors(found).isEmpty()) {
      good = resources;
      goodProblems = found;
    } else if (!changed) {
      problems.addAll(goodProblems);
      for (ConfigProblem p : found) {
        problems.add(p.isError()
            ? ConfigProblem.warning(p.kind(), p.name(), p.location(), p.path(), KEPT + p.message())
            : p);
      }
      return good;
    }
    problems.addAll(found);
    return resources;
  }
}
