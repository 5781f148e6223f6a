/**
 * Graph side of distok: graph sources (JGraphT, triple files, Neo4j) and graph tokenizers.
 */
package io.distok.graph;
