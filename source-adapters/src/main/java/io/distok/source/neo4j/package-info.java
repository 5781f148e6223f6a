/** Neo4j through its Java driver: connection with clear errors, a node reader by keyset pagination and a batched property writer that restores on failure. */
package io.distok.source.neo4j;
