package io.distok.cli;

import io.distok.source.neo4j.Neo4jConnection;
import picocli.CommandLine.Option;

/** Options naming a Neo4j database and the item nodes in it. */
final class Neo4jOptions {
  @picocli.CommandLine.Mixin
  Neo4jConnectionOptions server;

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
    return server.enabled();
  }

  Neo4jConnection connection() {
    return server.connection();
  }

  String idPropertyOrNull() {
    return "elementId".equals(idProperty) ? null : idProperty;
  }
}
