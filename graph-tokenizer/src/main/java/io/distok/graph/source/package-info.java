/** Graph sources that yield node vectors: in-memory JGraphT graphs. */
package io.distok.graph.source;
