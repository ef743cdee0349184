package io.meshlet.testsupport;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;

/**
 * The control plane's console in headless Chromium (Debian's {@code chromium} and {@code
 * chromium-driver}; {@code CHROMIUM} and {@code CHROMEDRIVER} name others), read as a user sees it:
 * the graph's nodes and edges, a node's details after a click, the explain form, a screenshot. For
 * any test with a running fleet (mesh-it's console test, samples/bookinfo's tour).
 *
 * <p>{@link #chromium()} is null where no browser is installed: call {@code assumeTrue(ConsolePage.available(), ...)}.
 */
public final class ConsolePage implements AutoCloseable {
  public static final Duration WAIT = Duration.ofSeconds(30);

  /** One node of the graph as drawn. */
  public record Node(String id, String app, String version, String label) {}

  /** One edge as drawn: its ends, the numbers on it and whether it shows the mTLS lock. */
  public record Edge(String source, String destination, String service, double rps, double errorRate, boolean mtls, String label) {}

  private final WebDriver driver;

  private ConsolePage(WebDriver driver) {
    this.driver = driver;
  }

  public static @Nullable Path chromium() {
    return executable("CHROMIUM", "/usr/bin/chromium", "/usr/bin/chromium-browser");
  }

  public static @Nullable Path chromedriver() {
    return executable("CHROMEDRIVER", "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
  }

  public static boolean available() {
    return chromium() != null && chromedriver() != null;
  }

  public static final String SKIP = "no headless Chromium (apt-get install chromium chromium-driver, or set CHROMIUM and CHROMEDRIVER)";

  private static @Nullable Path executable(String env, String... candidates) {
    String given = System.getenv(env);
    List<String> all = new ArrayList<>();
    if (given != null && !given.isEmpty()) {
      all.add(given);
    }
    all.addAll(List.of(candidates));
    for (String c : all) {
      if (Files.isExecutable(Path.of(c))) {
        return Path.of(c);
      }
    }
    return null;
  }

  /** Opens {@code console} in a fresh headless Chromium whose profile lives in {@code profile}. */
  public static ConsolePage open(URI console, Path profile) throws IOException {
    Path browser = chromium();
    Path driverBinary = chromedriver();
    if (browser == null || driverBinary == null) {
      throw new IllegalStateException(SKIP);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(browser.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
        "--window-size=1500,1000", "--user-data-dir=" + Files.createDirectories(profile));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(driverBinary.toString())).usingAnyFreePort().build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(WAIT);
    driver.get(console.toString());
    return new ConsolePage(driver);
  }

  public String title() {
    return driver.getTitle();
  }

  /** The status line ("config version N · M connected · updated ..."). */
  public String status() {
    return driver.findElement(By.id("status")).getText();
  }

  // The page redraws every few seconds: each read is one script, so it sees one drawing whole.

  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> script(String js) {
    return (List<Map<String, Object>>) ((ChromeDriver) driver).executeScript(js);
  }

  public List<Node> nodes() {
    List<Node> out = new ArrayList<>();
    for (Map<String, Object> n : script("return [...document.querySelectorAll('#graph g.node')].map(g => ({"
        + "id: g.dataset.id, app: g.dataset.app, version: g.dataset.version, label: g.textContent}));")) {
      out.add(new Node((String) n.get("id"), (String) n.get("app"), (String) n.get("version"), (String) n.get("label")));
    }
    return out;
  }

  public List<Edge> edges() {
    List<Edge> out = new ArrayList<>();
    for (Map<String, Object> e : script("return [...document.querySelectorAll('#graph g.edge')].map(g => ({"
        + "source: g.dataset.source, destination: g.dataset.destination, service: g.dataset.service,"
        + "rps: g.dataset.rps, errorRate: g.dataset.errorRate, mtls: g.querySelector('g.lock') !== null,"
        + "label: g.querySelector('text.label').textContent}));")) {
      out.add(new Edge((String) e.get("source"), (String) e.get("destination"), (String) e.get("service"),
          Double.parseDouble((String) e.get("rps")), Double.parseDouble((String) e.get("errorRate")),
          (Boolean) e.get("mtls"), (String) e.get("label")));
    }
    return out;
  }

  /** The traffic table's rows by "source > destination": the cells as shown. */
  @SuppressWarnings("unchecked")
  public Map<String, List<String>> traffic() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Map<String, Object> r : script("return [...document.querySelectorAll('#traffic tbody tr')].map(tr => ({"
        + "key: tr.dataset.source + ' > ' + tr.dataset.destination, cells: [...tr.cells].map(td => td.textContent)}));")) {
      out.put((String) r.get("key"), List.copyOf((List<String>) r.get("cells")));
    }
    return out;
  }

  /** Waits until the graph shows a node of each id and an edge of each "source > destination". */
  public void awaitGraph(List<String> nodeIds, List<String> edges) {
    await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
      List<String> ids = nodes().stream().map(Node::id).toList();
      List<String> drawn = edges().stream().filter(e -> e.rps() > 0).map(e -> e.source() + " > " + e.destination()).toList();
      return ids.containsAll(nodeIds) && drawn.containsAll(edges);
    });
  }

  /**
   * Clicks the node and waits for its details: returns the state of each resource type of its
   * (first) xDS node, by type ("clusters" → "ACK").
   */
  public Map<String, String> clickNode(String id) {
    await().atMost(WAIT).ignoreExceptions().until(() -> {
      driver.findElement(By.cssSelector("#graph g.node[data-id='" + id + "']")).click();
      return driver.findElement(By.id("details-title")).getText().equals(id)
          && !driver.findElements(By.cssSelector("#details-body table.states tr[data-kind]")).isEmpty();
    });
    Map<String, String> states = new LinkedHashMap<>();
    for (Map<String, Object> r : script("const n = document.querySelector('#details-body .xds-node');"
        + "return n ? [...n.querySelectorAll('table.states tr[data-kind]')].map(tr => ({kind: tr.dataset.kind,"
        + " state: tr.dataset.state})) : [];")) {
      states.put((String) r.get("kind"), (String) r.get("state"));
    }
    return states;
  }

  /** The details panel's text. */
  public String details() {
    return driver.findElement(By.id("details-body")).getText();
  }

  /** Opens the selected node's list of one kind (routes, clusters, endpoints) and returns its lines once loaded. */
  public List<String> served(String kind) {
    WebElement d = driver.findElement(By.cssSelector("#details-body details[data-kind='" + kind + "']"));
    d.findElement(By.tagName("summary")).click();
    List<String> lines = new ArrayList<>();
    await().atMost(WAIT).ignoreExceptions().until(() -> {
      lines.clear();
      driver.findElements(By.cssSelector("#details-body details[data-kind='" + kind + "'] li")).forEach(li -> lines.add(li.getText()));
      return !lines.isEmpty() && !lines.get(0).equals("loading…");
    });
    return List.copyOf(lines);
  }

  /** Fills the explain form (from the xDS node {@code node}) and returns the answer shown. */
  public String explain(String node, String method, String url, String headers) {
    new Select(driver.findElement(By.id("explain-node"))).selectByValue(node);
    set("explain-method", method);
    set("explain-url", url);
    set("explain-headers", headers);
    String before = driver.findElement(By.id("explain-result")).getText();
    driver.findElement(By.id("explain-submit")).click();
    await().atMost(WAIT).until(() -> {
      String now = driver.findElement(By.id("explain-result")).getText();
      return !now.isEmpty() && !now.equals(before);
    });
    return driver.findElement(By.id("explain-result")).getText();
  }

  private void set(String id, String value) {
    WebElement e = driver.findElement(By.id(id));
    e.clear();
    if (!value.isEmpty()) {
      e.sendKeys(value);
    }
  }

  /** A PNG of the page as it is now, written to {@code file}. */
  public void screenshot(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    ((ChromeDriver) driver).executeScript("window.scrollTo(0, 0);");
    Files.write(file, ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES));
  }

  @Override
  public void close() {
    driver.quit();
  }
}
