package io.meshlet.meshctl;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One meshctl run in-process: its exit code and what it printed. */
record Cli(int code, String out, String err) {
  static Cli run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Meshctl.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Cli(code, out.toString(), err.toString());
  }
}
