/**
 * Neo4j as a graph source: a whole graph streamed into a {@link io.distok.graph.csr.CsrGraph} through the
 * shared connection of {@code io.distok.source.neo4j}, whose property writer takes tokens back.
 */
package io.distok.graph.neo4j;
