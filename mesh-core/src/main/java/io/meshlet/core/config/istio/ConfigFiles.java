package io.meshlet.core.config.istio;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads the YAML files under a list of paths: a file as given, a directory's {@code *.yaml} and
 * {@code *.yml} files recursively, sorted by name, skipping hidden entries (so a Kubernetes ConfigMap
 * volume is read through its visible symlinks, not its {@code ..data} directories).
 */
final class ConfigFiles {
  /** One file's text. */
  record FileText(Path path, String text) {}

  /** Why a path could not be read. */
  static final class ReadFailure extends Exception {
    private static final long serialVersionUID = 1L;

    ReadFailure(String message) {
      super(message, null, false, false);
    }
  }

  private ConfigFiles() {}

  static List<FileText> read(List<Path> paths) throws ReadFailure {
    List<FileText> out = new ArrayList<>();
    for (Path p : paths) {
      try {
        if (Files.isDirectory(p)) {
          readDirectory(p, out, new HashSet<>());
        } else {
          out.add(readFile(p));
        }
      } catch (IOException e) {
        throw failure(p, e);
      }
    }
    return out;
  }

  private static void readDirectory(Path dir, List<FileText> out, Set<Path> visited) throws ReadFailure, IOException {
    if (!visited.add(dir.toRealPath())) {
      return;
    }
    List<Path> entries;
    try (Stream<Path> list = Files.list(dir)) {
      entries = list.filter(e -> !e.getFileName().toString().startsWith(".")).sorted().toList();
    }
    for (Path e : entries) {
      String name = e.getFileName().toString();
      if (Files.isDirectory(e)) {
        readDirectory(e, out, visited);
      } else if ((name.endsWith(".yaml") || name.endsWith(".yml")) && Files.isRegularFile(e)) {
        try {
          out.add(readFile(e));
        } catch (IOException ex) {
          throw failure(e, ex);
        }
      }
    }
  }

  private static FileText readFile(Path file) throws IOException {
    return new FileText(file, Files.readString(file, StandardCharsets.UTF_8));
  }

  private static ReadFailure failure(Path p, IOException e) {
    String why = e.getClass().getSimpleName();
    if (e instanceof CharacterCodingException) {
      why += " (expected: UTF-8)";
    }
    return new ReadFailure("cannot read " + p + ": " + why);
  }

  /** The first 12 hex characters of a SHA-256 over all texts, in order. */
  static String version(List<FileText> files) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (FileText f : files) {
        sha.update(f.text().getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
