/** Seeded generators of test, demo and benchmark data: clustered vectors and multi-relational graphs. */
package io.distok.testdata;
