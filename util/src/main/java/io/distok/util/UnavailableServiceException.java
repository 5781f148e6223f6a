package io.distok.util;

/**
 * A service the work needs (a database server, say) cannot be reached or refuses the connection: a message
 * meant for the user, naming the service and the reason. Distinct from {@link InvalidInputException} so that
 * callers (the CLI's exit code) can tell "try again later / fix the connection" from "fix the data".
 */
public class UnavailableServiceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UnavailableServiceException(String message, Throwable cause) {
    super(message, cause);
  }
}
