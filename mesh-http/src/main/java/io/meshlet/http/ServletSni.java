package io.meshlet.http;

import io.meshlet.core.identity.MeshTls;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Method;
import javax.net.ssl.SSLSession;
import org.jspecify.annotations.Nullable;

/**
 * The TLS client's requested server name of a servlet request. The Servlet API has no attribute for
 * the TLS session or its SNI, so this reads the container's own: Jetty 12 puts its {@code
 * EndPoint.SslSessionData} (whose public {@code sslSession()} gives the session) in the attribute
 * {@value #JETTY_SESSION_DATA}; an application or another container may put the {@link SSLSession}
 * itself in {@value #SESSION_ATTRIBUTE}. Elsewhere (Tomcat, Undertow) the SNI is absent.
 */
final class ServletSni {
  /** Jetty 12's attribute holding the connection's {@code SslSessionData}. */
  static final String JETTY_SESSION_DATA = "org.eclipse.jetty.io.Endpoint.SslSessionData";
  /** Where an application (or a container customizer) may put the connection's {@link SSLSession}. */
  static final String SESSION_ATTRIBUTE = "io.meshlet.ssl_session";

  private static final ClassValue<@Nullable Method> SSL_SESSION = new ClassValue<>() {
    @Override
    protected @Nullable Method computeValue(Class<?> type) {
      for (Class<?> i : type.getInterfaces()) {
        try {
          Method m = i.getMethod("sslSession");
          if (SSLSession.class.isAssignableFrom(m.getReturnType())) {
            return m;
          }
        } catch (NoSuchMethodException e) {
          // not this interface
        }
      }
      return null;
    }
  };

  private ServletSni() {}

  static @Nullable String of(HttpServletRequest request) {
    Object session = request.getAttribute(SESSION_ATTRIBUTE);
    if (!(session instanceof SSLSession)) {
      Object data = request.getAttribute(JETTY_SESSION_DATA);
      session = data == null ? null : sessionOf(data);
    }
    return session instanceof SSLSession s ? MeshTls.requestedServerName(s) : null;
  }

  private static @Nullable Object sessionOf(Object data) {
    Method m = SSL_SESSION.get(data.getClass());
    if (m == null) {
      return null;
    }
    try {
      return m.invoke(data);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
