package io.meshlet.core.lb;

import io.meshlet.core.model.LoadBalancerSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * A cluster's endpoints by priority level and, when localities are weighted, by locality, each
 * with its own {@link LoadBalancer}: Envoy's priority levels and locality weighted load balancing.
 * Built from a {@link LocalityPlan} on the control thread; {@link #select} runs per pick and
 * allocates nothing.
 *
 * <p>A level's health is {@code min(100, 140 × healthy / endpoints)} percent (ejected endpoints are
 * unhealthy; the overprovisioning factor 1.4 means a level 72 % healthy still takes all its share).
 * Levels take load in order: level 0 {@code min(100, health0)}, level 1 {@code min(100 − load0,
 * health1)}, and so on; if the healths sum to less than 100, each level's load is its health over
 * that sum (Envoy's normalization); if every level is fully ejected, level 0 takes everything.
 * Within a weighted level a locality is drawn by {@code weight × min(100, 140 × healthy / endpoints)}.
 * While no endpoint may be ejected, every level is 100 % healthy and level 0 takes all traffic
 * without looking at health.
 */
public final class LocalityLevels {
  private final Level[] levels;
  private final boolean weighted;
  private final LocalityPlan plan;

  private LocalityLevels(Level[] levels, boolean weighted, LocalityPlan plan) {
    this.levels = levels;
    this.weighted = weighted;
    this.plan = plan;
  }

  /**
   * The levels of {@code endpoints} (the list {@code plan} was made for); null when there is one
   * level and localities are not weighted, so the cluster's own balancer does everything.
   */
  public static @Nullable LocalityLevels compile(LoadBalancerSettings settings, List<Endpoint> endpoints, LocalityPlan plan) {
    if (endpoints.isEmpty() || (plan.levels() == 1 && !plan.weighted())) {
      return null;
    }
    List<Map<String, List<Endpoint>>> byLevel = new ArrayList<>();
    Map<String, Integer> weightOf = new LinkedHashMap<>();
    for (int i = 0; i < endpoints.size(); i++) {
      if (!plan.kept(i)) {
        continue;
      }
      int p = plan.priority(i);
      while (byLevel.size() <= p) {
        byLevel.add(new LinkedHashMap<>());
      }
      Endpoint e = endpoints.get(i);
      String locality = e.locality() == null ? "" : e.locality();
      byLevel.get(p).computeIfAbsent(plan.weighted() ? locality : "", k -> new ArrayList<>()).add(e);
      weightOf.merge(locality, plan.localityWeight(i), Math::max);
    }
    List<Level> levels = new ArrayList<>();
    for (int p = 0; p < byLevel.size(); p++) {
      if (byLevel.get(p).isEmpty()) {
        continue;
      }
      List<Group> groups = new ArrayList<>();
      List<Endpoint> all = new ArrayList<>();
      for (Map.Entry<String, List<Endpoint>> g : byLevel.get(p).entrySet()) {
        groups.add(new Group(g.getKey(), plan.weighted() ? weightOf.get(g.getKey()) : 1, LoadBalancers.create(settings, g.getValue())));
        all.addAll(g.getValue());
      }
      levels.add(new Level(p, groups.toArray(new Group[0]), LoadBalancers.create(settings, all)));
    }
    return new LocalityLevels(levels.toArray(new Level[0]), plan.weighted(), plan);
  }

  /**
   * The balancer of the level (and locality) this pick goes to.
   *
   * @param checkHealth false when no endpoint can be ejected now (every level is then 100 % healthy)
   */
  public LoadBalancer select(long hash, RandomGenerator random, long nowNanos, boolean checkHealth) {
    Level level = levels[chooseLevel(hash, random, nowNanos, checkHealth)];
    return weighted ? level.groups[chooseGroup(level, random, nowNanos, checkHealth)].lb : level.all;
  }

  private int chooseLevel(long hash, RandomGenerator random, long now, boolean checkHealth) {
    if (levels.length == 1 || !checkHealth) {
      return 0;
    }
    int sum = 0;
    for (Level l : levels) {
      sum += health(l.all.endpoints(), now, true);
    }
    if (sum == 0) {
      return 0;
    }
    int bound = sum >= 100 ? 100 : sum;
    int r = hash != LoadBalancer.NO_HASH ? (int) Long.remainderUnsigned(hash, bound) : random.nextInt(bound);
    int remaining = 100;
    for (int i = 0; i < levels.length; i++) {
      int h = health(levels[i].all.endpoints(), now, true);
      int load = sum >= 100 ? Math.min(remaining, h) : h;
      if (r < load) {
        return i;
      }
      r -= load;
      remaining -= load;
    }
    return 0;
  }

  private static int chooseGroup(Level level, RandomGenerator random, long now, boolean checkHealth) {
    Group[] groups = level.groups;
    if (groups.length == 1) {
      return 0;
    }
    long total = 0;
    for (Group g : groups) {
      total += (long) g.weight * health(g.lb.endpoints(), now, checkHealth);
    }
    boolean raw = total == 0;
    if (raw) {
      for (Group g : groups) {
        total += g.weight;
      }
    }
    long r = random.nextLong(total);
    for (int i = 0; i < groups.length; i++) {
      long w = raw ? groups[i].weight : (long) groups[i].weight * health(groups[i].lb.endpoints(), now, checkHealth);
      if (r < w) {
        return i;
      }
      r -= w;
    }
    return groups.length - 1;
  }

  /** {@code min(100, 140 × healthy / endpoints)}: the percentage of its share a set of endpoints takes. */
  static int health(List<Endpoint> endpoints, long now, boolean checkHealth) {
    int n = endpoints.size();
    if (!checkHealth || n == 0) {
      return n == 0 ? 0 : 100;
    }
    int healthy = 0;
    for (int i = 0; i < n; i++) {
      if (!endpoints.get(i).health().isEjected(now)) {
        healthy++;
      }
    }
    return (int) Math.min(100, (long) LocalityPlan.OVERPROVISIONING_PERCENT * healthy / n);
  }

  /** The percentage of traffic each level takes now, in level order. */
  public int[] loads(long now, boolean checkHealth) {
    int[] health = new int[levels.length];
    int sum = 0;
    for (int i = 0; i < levels.length; i++) {
      health[i] = health(levels[i].all.endpoints(), now, checkHealth);
      sum += health[i];
    }
    int[] load = new int[levels.length];
    if (sum == 0 || levels.length == 1 || !checkHealth) {
      load[0] = 100;
      return load;
    }
    int remaining = 100;
    for (int i = 0; i < levels.length; i++) {
      load[i] = sum >= 100 ? Math.min(remaining, health[i]) : (int) Math.round(100.0 * health[i] / sum);
      remaining -= load[i];
    }
    return load;
  }

  /**
   * For explain: every level with its localities, health and share, then where {@code picked} is:
   * {@code priority 0 (us-east/a) 2/4 healthy, 70 % → 70 % of traffic; priority 1 (us-west/b) 2/2
   * healthy, 100 % → 30 % of traffic; took priority 1 (us-west/b)}.
   */
  public String describe(@Nullable Endpoint picked, long now, boolean checkHealth) {
    int[] load = loads(now, checkHealth);
    StringBuilder sb = new StringBuilder(plan.why()).append(": ");
    String took = null;
    for (int i = 0; i < levels.length; i++) {
      Level l = levels[i];
      List<Endpoint> all = l.all.endpoints();
      int healthy = 0;
      for (Endpoint e : all) {
        if (!checkHealth || !e.health().isEjected(now)) {
          healthy++;
        }
        if (e == picked) {
          took = "priority " + i + " (" + (weighted ? localityOf(e) : localities(l)) + ")";
        }
      }
      if (i > 0) {
        sb.append("; ");
      }
      sb.append("priority ").append(i).append(" (").append(localities(l)).append(") ")
          .append(healthy).append('/').append(all.size()).append(" healthy, ")
          .append(health(all, now, checkHealth)).append(" % → ")
          .append(load[i] == 100 ? "all traffic" : load[i] + " % of traffic");
    }
    if (took != null) {
      sb.append("; took ").append(took);
    }
    return sb.toString();
  }

  private static String localityOf(Endpoint e) {
    return e.locality() == null || e.locality().isEmpty() ? "no locality" : e.locality();
  }

  private String localities(Level l) {
    List<String> names = new ArrayList<>();
    for (Endpoint e : l.all.endpoints()) {
      String name = localityOf(e);
      if (!names.contains(name)) {
        names.add(name);
      }
    }
    if (weighted) {
      for (int i = 0; i < names.size(); i++) {
        for (Group g : l.groups) {
          if (localityOf(g.lb.endpoints().get(0)).equals(names.get(i))) {
            names.set(i, names.get(i) + " weight " + g.weight);
          }
        }
      }
    }
    return String.join(", ", names);
  }

  /** The number of priority levels. */
  public int levelCount() {
    return levels.length;
  }

  /** The plan the levels were built from. */
  public LocalityPlan plan() {
    return plan;
  }

  private static final class Level {
    final int priority;
    final Group[] groups;
    final LoadBalancer all;

    Level(int priority, Group[] groups, LoadBalancer all) {
      this.priority = priority;
      this.groups = groups;
      this.all = all;
    }
  }

  private static final class Group {
    final String locality;
    final int weight;
    final LoadBalancer lb;

    Group(String locality, int weight, LoadBalancer lb) {
      this.locality = locality;
      this.weight = weight;
      this.lb = lb;
    }
  }
}
