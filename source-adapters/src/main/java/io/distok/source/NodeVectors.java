package io.distok.source;

import io.distok.util.FloatMatrix;
import java.util.List;

/**
 * Nodes with a vector each, as read from a graph source: row {@code i} of {@link #vectors()} belongs to node
 * {@code ids().get(i)}; {@code keys} holds the ids as the source stores them (e.g. a Neo4j integer), for
 * writing results back.
 */
public record NodeVectors(List<String> ids, List<Object> keys, FloatMatrix vectors) {}
