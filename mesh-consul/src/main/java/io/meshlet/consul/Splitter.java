package io.meshlet.consul;

import io.meshlet.core.model.HeaderOperations;
import io.meshlet.core.model.Headers;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code service-splitter} entry, validated. Consul's weights have two decimals and sum to 100;
 * they become whole weights in hundredths ({@code 33.33} → 3333), which the route table draws from
 * exactly.
 */
record Splitter(String service, List<Split> splits) {
  record Split(Resolver.Target target, int weight, HeaderOperations headers) {}

  static Splitter parse(JsonFields e, String service) {
    EntryProblems p = e.problems();
    List<Split> splits = new ArrayList<>();
    List<JsonFields> items = e.objects("Splits");
    if (items.isEmpty()) {
      p.error(e.path("Splits"), "none (expected: at least one split)");
    }
    long sum = 0;
    for (JsonFields s : items) {
      Double w = s.number("Weight");
      int hundredths = 0;
      if (w == null || w < 0 || w > 100 || Math.abs(w * 100 - Math.rint(w * 100)) > 1e-6) {
        p.error(s.path("Weight"), (w == null ? "none" : w) + " (expected: 0..100 with at most two decimals)");
      } else {
        hundredths = (int) Math.rint(w * 100);
      }
      sum += hundredths;
      String to = s.string("Service");
      Resolver.Target target = new Resolver.Target(to != null ? to : service, s.string("ServiceSubset"));
      s.notYetApplied("Namespace", "Partition");
      HeaderOperations headers = new HeaderOperations(headers(s, "RequestHeaders"), headers(s, "ResponseHeaders"));
      s.finish();
      splits.add(new Split(target, hundredths, headers));
    }
    if (!items.isEmpty() && sum != 10_000) {
      p.error(e.path("Splits"), "weights sum to " + sum / 100.0 + " (expected: 100)");
    }
    return new Splitter(service, splits);
  }

  /** Consul's {@code HTTPHeaderModifiers}: {@code Add}, {@code Set}, {@code Remove}. */
  static Headers headers(JsonFields parent, String field) {
    JsonFields h = parent.object(field);
    if (h == null) {
      return Headers.NONE;
    }
    Headers out = new Headers(h.stringMap("Set"), h.stringMap("Add"), h.strings("Remove"));
    h.finish();
    return out;
  }
}
