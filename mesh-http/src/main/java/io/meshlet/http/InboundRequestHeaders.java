package io.meshlet.http;

import io.meshlet.core.model.Headers;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The request as the application sees it after the mesh's request header changes ({@code
 * InboundVerdict.requestHeaders}: a JWT header removed, claims or the payload added): set replaces,
 * add appends, remove hides; names ignore case. Built only when there are changes.
 */
final class InboundRequestHeaders extends HttpServletRequestWrapper {
  private final Headers changes;

  InboundRequestHeaders(HttpServletRequest request, Headers changes) {
    super(request);
    this.changes = changes;
  }

  private @Nullable String set(String name) {
    for (Map.Entry<String, String> e : changes.set().entrySet()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  private @Nullable String added(String name) {
    for (Map.Entry<String, String> e : changes.add().entrySet()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  private boolean removed(String name) {
    for (String r : changes.remove()) {
      if (r.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public @Nullable String getHeader(String name) {
    String s = set(name);
    if (s != null) {
      return s;
    }
    String original = removed(name) ? null : super.getHeader(name);
    return original != null ? original : added(name);
  }

  @Override
  public Enumeration<String> getHeaders(String name) {
    String s = set(name);
    if (s != null) {
      return Collections.enumeration(List.of(s));
    }
    List<String> out = new ArrayList<>();
    if (!removed(name)) {
      Enumeration<String> original = super.getHeaders(name);
      if (original != null) {
        out.addAll(Collections.list(original));
      }
    }
    String a = added(name);
    if (a != null) {
      out.add(a);
    }
    return Collections.enumeration(out);
  }

  @Override
  public Enumeration<String> getHeaderNames() {
    Set<String> names = new LinkedHashSet<>();
    Enumeration<String> original = super.getHeaderNames();
    if (original != null) {
      for (String n : Collections.list(original)) {
        if (!removed(n) || set(n) != null) {
          names.add(n);
        }
      }
    }
    Set<String> lower = new java.util.HashSet<>();
    names.forEach(n -> lower.add(n.toLowerCase(Locale.ROOT)));
    for (String n : changes.set().keySet()) {
      if (lower.add(n.toLowerCase(Locale.ROOT))) {
        names.add(n);
      }
    }
    for (String n : changes.add().keySet()) {
      if (lower.add(n.toLowerCase(Locale.ROOT))) {
        names.add(n);
      }
    }
    return Collections.enumeration(names);
  }

  @Override
  public long getDateHeader(String name) {
    String v = getHeader(name);
    return v == null ? -1 : super.getDateHeader(name);
  }

  @Override
  public int getIntHeader(String name) {
    String v = getHeader(name);
    return v == null ? -1 : Integer.parseInt(v);
  }
}
