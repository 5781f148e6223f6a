package io.distok.source.neo4j;

import io.distok.source.neo4j.Neo4jConnection;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.neo4j.harness.Neo4j;

class Neo4jAuthTest {
  @Test
  void wrongCredentialsAreAClearError() throws Exception {
    try (Neo4j neo4j = Neo4jHarness.start(true)) {
      var e = assertThrows(io.distok.util.UnavailableServiceException.class,
          () -> new Neo4jConnection(neo4j.boltURI().toString(), "neo4j", "wrong-password", null).open());
      assertTrue(e.getMessage().contains("authentication failed for user 'neo4j'"), e.getMessage());
    }
  }
}
