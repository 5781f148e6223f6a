package io.distok.source.neo4j;

import io.distok.util.InvalidInputException;
import io.distok.util.UnavailableServiceException;
import java.util.regex.Pattern;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.exceptions.AuthenticationException;
import org.neo4j.driver.exceptions.Neo4jException;
import org.neo4j.driver.exceptions.SecurityException;
import org.neo4j.driver.exceptions.ServiceUnavailableException;

/**
 * Where a Neo4j database is and how to log in.
 *
 * @param uri e.g. {@code bolt://localhost:7687} or {@code neo4j://host}
 * @param user user name, or null for no authentication
 * @param password password
 * @param database database name, or null for the server's default
 */
public record Neo4jConnection(String uri, String user, String password, String database) {
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /**
   * Opens a driver and checks that the server answers and accepts the credentials.
   *
   * @throws UnavailableServiceException with a one-line reason when it is unreachable or refuses the login
   */
  public Driver open() {
    Driver driver;
    try {
      // the driver logs through java.lang.System.Logger; applications route that where they want (the CLI to
      // SLF4J through slf4j-jdk-platform-logging)
      driver = user == null ? GraphDatabase.driver(uri, AuthTokens.none())
          : GraphDatabase.driver(uri, AuthTokens.basic(user, password == null ? "" : password));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("Neo4j URI '" + uri + "' is not valid: " + e.getMessage());
    }
    try {
      driver.verifyConnectivity();
      return driver;
    } catch (RuntimeException e) {
      driver.close();
      throw translate(e);
    }
  }

  /** Session configuration for the chosen database. */
  public SessionConfig sessionConfig() {
    return database == null ? SessionConfig.defaultConfig() : SessionConfig.forDatabase(database);
  }

  /** Turns a driver exception into a user-facing message naming this server. */
  public RuntimeException translate(RuntimeException e) {
    if (e instanceof AuthenticationException) {
      return new UnavailableServiceException("Neo4j at " + uri + ": authentication failed for user '" + user + "'",
          e);
    }
    if (e instanceof SecurityException) {
      return new UnavailableServiceException("Neo4j at " + uri + ": access refused (" + e.getMessage() + ")", e);
    }
    if (e instanceof ServiceUnavailableException) {
      return new UnavailableServiceException("Neo4j at " + uri + " is unreachable (" + e.getMessage() + ")", e);
    }
    if (e instanceof Neo4jException n) {
      return new InvalidInputException("Neo4j at " + uri + ": " + n.code() + ": " + n.getMessage());
    }
    return e;
  }

  /** A label or property name, back-quoted for Cypher; only plain identifiers are accepted. */
  public static String quote(String identifier, String what) {
    if (identifier == null || !IDENTIFIER.matcher(identifier).matches()) {
      throw new InvalidInputException(what + " '" + identifier + "' is not a plain identifier ([A-Za-z_][A-Za-z0-9_]*)");
    }
    return "`" + identifier + "`";
  }
}
