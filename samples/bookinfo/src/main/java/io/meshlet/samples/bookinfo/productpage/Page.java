package io.meshlet.samples.bookinfo.productpage;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The HTML of the pages, shaped like Istio's productpage (no scripts, no external assets). */
final class Page {
  private static final String STYLE = """
      <style>
        body { font-family: sans-serif; margin: 0; background: #f5f5f5; }
        header { background: #2d3e50; color: #fff; padding: 12px 24px; display: flex; justify-content: space-between; }
        header a { color: #fff; }
        main { padding: 24px; max-width: 1100px; }
        .row { display: flex; gap: 24px; }
        .box { background: #fff; padding: 16px; flex: 1; border-radius: 4px; }
        .error { color: #a94442; }
        .stars-black { color: #000; } .stars-red { color: #c00; }
        blockquote { margin: 0 0 16px 0; border-left: 4px solid #ddd; padding-left: 12px; }
        dt { font-weight: bold; }
      </style>
      """;

  private Page() {}

  static String index() {
    return "<!doctype html><html><head><title>Simple Bookstore App</title>" + STYLE + "</head><body>"
        + "<header><span>BookInfo Sample (Meshlet)</span></header><main>"
        + "<h2>Hello! This is a simple bookstore application consisting of three services as shown below</h2>"
        + "<p>productpage &rarr; details; productpage &rarr; reviews (v1, v2, v3); reviews v2 and v3 &rarr; ratings (gRPC).</p>"
        + "<p><a href=\"/productpage\">Normal user</a> &middot; <a href=\"/productpage?u=jason\">Test user (jason)</a></p>"
        + "</main></body></html>";
  }

  static String product(@Nullable String user, @Nullable Map<String, Object> details, @Nullable String detailsError,
      @Nullable Map<String, Object> reviews, @Nullable String reviewsError) {
    StringBuilder b = new StringBuilder("<!doctype html><html><head><title>Simple Bookstore App</title>").append(STYLE)
        .append("</head><body><header><span>BookInfo Sample (Meshlet)</span><span>");
    if (user == null) {
      b.append("<a href=\"/productpage?u=jason\">Sign in as jason</a>");
    } else {
      b.append("Signed in as <b id=\"user\">").append(escape(user)).append("</b> &middot; <a href=\"/productpage?u=\">Sign out</a>");
    }
    b.append("</span></header><main><h1>The Comedy of Errors</h1>")
        .append("<p><small>Wikipedia Summary: The Comedy of Errors is one of William Shakespeare's early plays. It is his shortest"
            + " and one of his most farcical comedies, with a major part of the humour coming from slapstick and mistaken identity,"
            + " in addition to puns and word play.</small></p><div class=\"row\">");
    b.append("<div class=\"box\" id=\"details\"><h3>Book Details</h3>");
    if (details != null) {
      b.append("<dl>");
      for (String key : List.of("type", "pages", "publisher", "language", "ISBN-10", "ISBN-13")) {
        b.append("<dt>").append(escape(key)).append(":</dt><dd>").append(escape(String.valueOf(details.get(key)))).append("</dd>");
      }
      b.append("</dl>");
    } else {
      b.append("<p class=\"error\">Error fetching product details! (").append(escape(String.valueOf(detailsError))).append(")</p>")
          .append("<p class=\"error\">Sorry, product details are currently unavailable for this book.</p>");
    }
    b.append("</div><div class=\"box\" id=\"reviews\"><h3>Book Reviews</h3>");
    if (reviews != null) {
      Object list = reviews.get("reviews");
      if (list instanceof List<?> items) {
        for (Object item : items) {
          if (item instanceof Map<?, ?> review) {
            appendReview(b, review);
          }
        }
      }
      b.append("<p><small>Reviews served by: <b id=\"served-by\">").append(escape(String.valueOf(reviews.get("podname"))))
          .append("</b></small></p>");
    } else {
      b.append("<p class=\"error\">Error fetching product reviews! (").append(escape(String.valueOf(reviewsError))).append(")</p>")
          .append("<p class=\"error\">Sorry, product reviews are currently unavailable for this book.</p>");
    }
    return b.append("</div></div></main></body></html>").toString();
  }

  private static void appendReview(StringBuilder b, Map<?, ?> review) {
    b.append("<blockquote><p>").append(escape(String.valueOf(review.get("text")))).append("</p><small>")
        .append(escape(String.valueOf(review.get("reviewer")))).append("</small>");
    if (review.get("rating") instanceof Map<?, ?> rating) {
      if (rating.get("stars") instanceof Number stars) {
        String color = String.valueOf(rating.get("color"));
        b.append("<br><span class=\"stars stars-").append(escape(color)).append("\" data-stars=\"").append(stars.intValue()).append("\">");
        for (int i = 0; i < 5; i++) {
          b.append(i < stars.intValue() ? "&#9733;" : "&#9734;");
        }
        b.append("</span>");
      } else if (rating.get("error") != null) {
        b.append("<br><span class=\"error ratings-error\">").append(escape(String.valueOf(rating.get("error")))).append("</span>");
      }
    }
    b.append("</blockquote>");
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
