package io.distok.util.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The library version, read from the build. */
public final class Version {
  private static final String VERSION = load();

  private Version() {}

  /** The distok version, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = Version.class.getResourceAsStream("/io/distok/util/version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
