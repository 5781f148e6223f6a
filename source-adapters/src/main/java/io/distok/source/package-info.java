/**
 * Where items and nodes come from, for both tokenizers: {@link io.distok.source.NodeVectors} (keys, kept with
 * their source's type, and their vectors), the Neo4j adapters in {@code io.distok.source.neo4j} (connection,
 * keyset-paginated node reader, batched transactional property writer) and the JGraphT adapter in {@code
 * io.distok.source.jgrapht}.
 */
package io.distok.source;
