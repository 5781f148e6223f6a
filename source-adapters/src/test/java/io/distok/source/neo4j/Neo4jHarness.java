package io.distok.source.neo4j;

import java.nio.file.Files;
import java.nio.file.Path;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilder;
import org.neo4j.harness.Neo4jBuilders;

/** Starts a real Neo4j server in-process (Bolt only) with its files under {@code target/}. */
public final class Neo4jHarness {
  private Neo4jHarness() {}

  /** A running server; close it when done. */
  public static Neo4j start(boolean auth) throws Exception {
    Path base = Path.of("target", "neo4j-harness");
    Files.createDirectories(base);
    Path work = Files.createTempDirectory(base.toAbsolutePath(), "db");
    Neo4jBuilder b = Neo4jBuilders.newInProcessBuilder(work).withDisabledServer();
    if (auth) {
      b = b.withConfig(org.neo4j.configuration.GraphDatabaseSettings.auth_enabled, true);
    }
    return b.build();
  }
}
