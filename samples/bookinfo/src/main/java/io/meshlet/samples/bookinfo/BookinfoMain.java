package io.meshlet.samples.bookinfo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Starts Bookinfo, prints its URLs and the tasks, and runs until Ctrl-C, which stops everything.
 * System properties: {@code bookinfo.productPagePort} (9080), {@code bookinfo.adminPort} (15014),
 * {@code bookinfo.configDir} (a new temporary directory with a copy of the shipped config).
 */
public final class BookinfoMain {
  static final List<String> TASKS = List.of(
      "01-request-routing     all traffic to v1; then end-user jason to v2",
      "02-traffic-shifting    50 % v1 / 50 % v3; then 100 % v3",
      "03-fault-injection     a 7 s delay for jason (productpage times out); a 500 abort of ratings for jason",
      "04-request-timeouts    ratings 2 s slower, reviews timeout 0.5 s",
      "05-circuit-breaking    details: one connection, one pending request; a burst gets 503 UO",
      "06-mtls-migration      PERMISSIVE, then STRICT: a plaintext caller is refused",
      "07-authorization       deny all; allow productpage GET; details and reviews; ratings from reviews only",
      "08-mirroring           all to reviews v1, a copy of each request to v2",
      "09-jwt                 productpage requires a JWT of the demo issuer");

  private BookinfoMain() {}

  public static void main(String[] args) throws Exception {
    Bookinfo.Builder b = Bookinfo.builder()
        .productPagePort(Integer.getInteger("bookinfo.productPagePort", Bookinfo.Builder.DEFAULT_PRODUCT_PAGE_PORT))
        .adminPort(Integer.getInteger("bookinfo.adminPort", Bookinfo.Builder.DEFAULT_ADMIN_PORT));
    String dir = System.getProperty("bookinfo.configDir");
    if (dir != null && !dir.isBlank()) {
      b.configDir(Path.of(dir));
    }
    System.out.println("Starting Bookinfo: the control plane and six Spring Boot applications in this JVM ...");
    long t0 = System.nanoTime();
    Bookinfo bookinfo = b.start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("Stopping Bookinfo ...");
      bookinfo.close();
      stopped.countDown();
    }, "bookinfo-stop"));
    System.out.printf("Bookinfo is up (%.1f s).%n%n", (System.nanoTime() - t0) / 1e9);
    System.out.println("  product page   " + bookinfo.productPage() + "   (as jason: " + bookinfo.productPage() + "?u=jason)");
    System.out.println("  console        " + bookinfo.console());
    System.out.println("  control plane  xDS on 127.0.0.1:" + bookinfo.controlPlane().port() + ", admin API " + bookinfo.console() + "api/workloads");
    bookinfo.urls().forEach((w, u) -> System.out.printf("  %-14s %-24s (/actuator/mesh, /actuator/prometheus; started in %.1f s)%n", w, u,
        bookinfo.startTimes().get(w).toMillis() / 1000.0));
    System.out.println();
    System.out.println("  config dir     " + bookinfo.configDir());
    System.out.println();
    Path tasks = Files.isDirectory(Path.of("samples/bookinfo/tasks")) ? Path.of("samples/bookinfo/tasks") : Path.of("tasks");
    System.out.println("Tasks (each directory's README says what to copy and what you should see): " + tasks.toAbsolutePath());
    TASKS.forEach(t -> System.out.println("  " + t));
    System.out.println();
    System.out.println("Ctrl-C stops everything.");
    stopped.await();
  }
}
