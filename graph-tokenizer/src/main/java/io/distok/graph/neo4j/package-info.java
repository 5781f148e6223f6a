/**
 * Neo4j as a graph source and sink through the Neo4j Java driver: node vectors streamed in keyset-paginated
 * batches, and node properties written back in batched transactions, all or nothing.
 */
package io.distok.graph.neo4j;
