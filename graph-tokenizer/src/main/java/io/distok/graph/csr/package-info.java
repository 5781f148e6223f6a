/** Compact integer graphs: CSR adjacency in both directions with relation ids on edges, O(V + E) memory. */
package io.distok.graph.csr;
