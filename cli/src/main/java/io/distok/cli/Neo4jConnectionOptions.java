package io.distok.cli;

import io.distok.source.neo4j.Neo4jConnection;
import picocli.CommandLine.Option;

/** Options naming a Neo4j server and how to log in. */
final class Neo4jConnectionOptions {
  @Option(names = "--neo4j-uri", description = "Read from this Neo4j server, e.g. bolt://localhost:7687.")
  String uri;

  @Option(names = "--neo4j-user", defaultValue = "neo4j", description = "User (default: ${DEFAULT-VALUE}).")
  String user;

  @Option(names = "--neo4j-password", defaultValue = "${env:NEO4J_PASSWORD}",
      description = "Password (default: the NEO4J_PASSWORD environment variable).")
  String password;

  @Option(names = "--neo4j-database", description = "Database (default: the server's default).")
  String database;

  boolean enabled() {
    return uri != null;
  }

  Neo4jConnection connection() {
    return new Neo4jConnection(uri, user, password, database);
  }
}
