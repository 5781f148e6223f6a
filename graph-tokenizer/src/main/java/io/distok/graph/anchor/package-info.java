/** Anchor selection strategies for anchor-based node tokenization: degree, PageRank, random and mixtures. */
package io.distok.graph.anchor;
