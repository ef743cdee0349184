package io.meshlet.samples.bookinfo.details;

import io.meshlet.samples.bookinfo.common.MeshJetty;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Bookinfo's details: {@code GET /details/{id}}, the book's facts as JSON. */
@SpringBootApplication
@Import(MeshJetty.class)
public class DetailsApp {
  @RestController
  static class Http {
    @GetMapping("/details/{id}")
    Map<String, Object> get(@PathVariable("id") int id) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("id", id);
      d.put("author", "William Shakespeare");
      d.put("year", 1595);
      d.put("type", "paperback");
      d.put("pages", 200);
      d.put("publisher", "PublisherA");
      d.put("language", "English");
      d.put("ISBN-10", "1234567890");
      d.put("ISBN-13", "123-1234567890");
      return d;
    }
  }
}
