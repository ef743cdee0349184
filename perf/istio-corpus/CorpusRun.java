// Throwaway measuring tool, not part of the build: see build-corpus.sh.
import io.meshlet.core.config.istio.IstioYaml;
import io.meshlet.core.config.ConfigProblem;
import java.nio.file.*;
import java.util.*;
import java.util.regex.*;

/** Throwaway: runs every Istio-kind document of a corpus through IstioYaml.parse, one by one. */
public class CorpusRun {
  public static void main(String[] args) throws Exception {
    int docs = 0, refused = 0, warned = 0;
    Map<String, Integer> kinds = new TreeMap<>();
    List<Path> files = new ArrayList<>();
    for (String a : args) try (var s = Files.walk(Path.of(a))) { s.filter(p -> p.toString().matches(".*\\.ya?ml")).sorted().forEach(files::add); }
    Pattern kindP = Pattern.compile("(?m)^kind:\\s*(\\S+)");
    Pattern apiP = Pattern.compile("(?m)^apiVersion:\\s*(\\S+)");
    for (Path f : files) {
      String text = Files.readString(f);
      String[] parts = text.split("(?m)^---\\s*$");
      int i = 0;
      for (String d : parts) {
        i++;
        Matcher km = kindP.matcher(d), am = apiP.matcher(d);
        if (!km.find() || !am.find()) continue;
        String api = am.group(1), kind = km.group(1);
        if (!api.contains("istio.io")) continue;
        if (d.contains("{{")) continue;
        docs++;
        kinds.merge(kind, 1, Integer::sum);
        IstioYaml.ParseResult r;
        try { r = IstioYaml.parse("corpus", f + "#" + i, d, "default"); }
        catch (Throwable t) { System.out.println("THROW " + f + "#" + i + " " + t); refused++; continue; }
        if (r.hasErrors()) {
          refused++;
          System.out.println("REFUSED " + kind + " " + f + "#" + i);
          for (ConfigProblem p : r.errors()) System.out.println("    " + p);
        } else if (!r.warnings().isEmpty()) {
          warned++;
          if (System.getenv("SHOW_WARN") != null) { System.out.println("WARN " + kind + " " + f + "#" + i); for (ConfigProblem p : r.warnings()) System.out.println("    " + p); }
        }
      }
    }
    System.out.println("documents=" + docs + " refused=" + refused + " accepted-with-warnings=" + warned);
    System.out.println("kinds=" + kinds);
  }
}
