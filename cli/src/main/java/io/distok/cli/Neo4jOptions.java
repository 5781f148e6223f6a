package io.distok.cli;

import io.distok.graph.neo4j.Neo4jConnection;
import picocli.CommandLine.Option;

/** Options naming a Neo4j database and the item nodes in it. */
final class Neo4jOptions {
  @Option(names = "--neo4j-uri", description = "Read items from this Neo4j server, e.g. bolt://localhost:7687.")
  String uri;

  @Option(names = "--neo4j-user", defaultValue = "neo4j", description = "User (default: ${DEFAULT-VALUE}).")
  String user;

  @Option(names = "--neo4j-password", defaultValue = "${env:NEO4J_PASSWORD}",
      description = "Password (default: the NEO4J_PASSWORD environment variable).")
  String password;

  @Option(names = "--neo4j-database", description = "Database (default: the server's default).")
  String database;

  @Option(names = "--label", defaultValue = "Item", description = "Label of the item nodes (default: "
      + "${DEFAULT-VALUE}).")
  String label;

  @Option(names = "--id-property", defaultValue = "id", description = "Node property holding the item id; "
      + "'elementId' uses Neo4j element ids (default: ${DEFAULT-VALUE}).")
  String idProperty;

  @Option(names = "--embedding-property", defaultValue = "embedding",
      description = "Node property holding the embedding (default: ${DEFAULT-VALUE}).")
  String embeddingProperty;

  @Option(names = "--batch-size", defaultValue = "1000", description = "Nodes per read or write transaction "
      + "(default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--write-back", description = "Write each item's semantic ID (tokens) to this node property.")
  String writeBack;

  boolean enabled() {
    return uri != null;
  }

  Neo4jConnection connection() {
    return new Neo4jConnection(uri, user, password, database);
  }

  String idPropertyOrNull() {
    return "elementId".equals(idProperty) ? null : idProperty;
  }
}
