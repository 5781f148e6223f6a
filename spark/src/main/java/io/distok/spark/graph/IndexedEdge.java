package io.distok.spark.graph;

import java.io.Serializable;

/**
 * One edge of a graph on Spark with the node and relation ids the single-machine {@code CsrGraph.Builder} gives
 * (first appearance in the input), and its input position, which orders a node's edges as the CSR graph orders
 * them.
 *
 * @param order the edge's position in the input (0-based over the edge lines)
 * @param head head node id
 * @param relation relation id
 * @param tail tail node id
 */
public record IndexedEdge(long order, int head, int relation, int tail) implements Serializable {}
