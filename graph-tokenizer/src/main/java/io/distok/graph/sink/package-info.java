/**
 * Where node tokens go: {@link io.distok.graph.sink.NodeTokenSink} and its JSONL, TSV and Neo4j
 * implementations, so that tokenization results carry no writer of their own.
 */
package io.distok.graph.sink;
