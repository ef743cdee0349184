package io.meshlet.samples.bookinfo;

import java.util.concurrent.Semaphore;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.context.event.ApplicationStartingEvent;
import org.springframework.boot.context.event.SpringApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;

/**
 * Lets one application at a time through the part of its start where Boot (re)initialises the
 * JVM-wide logging system, from {@code ApplicationStartingEvent} to {@code ApplicationPreparedEvent}.
 * Bookinfo starts several contexts in one JVM at once, and logback's configuration is not safe to
 * reset from two threads (a {@code ConcurrentModificationException} in Boot's
 * {@code LoggingApplicationListener} was seen); the rest of each start still runs in parallel.
 */
final class SerialLoggingStart implements ApplicationListener<SpringApplicationEvent>, Ordered {
  private static final Semaphore LOGGING = new Semaphore(1);
  private boolean holding;

  @Override
  public void onApplicationEvent(SpringApplicationEvent event) {
    if (event instanceof ApplicationStartingEvent) {
      LOGGING.acquireUninterruptibly();
      holding = true;
    } else if ((event instanceof ApplicationPreparedEvent || event instanceof ApplicationFailedEvent) && holding) {
      holding = false;
      LOGGING.release();
    }
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE; // before Boot's LoggingApplicationListener (HIGHEST_PRECEDENCE + 20)
  }
}
