/**
 * Anchor-relation node tokenization (NodePiece, Galkin et al. 2022): every node becomes its k nearest anchors
 * (with hop distances) plus m relation types of its context, over a small fixed vocabulary.
 */
package io.distok.graph.nodepiece;
