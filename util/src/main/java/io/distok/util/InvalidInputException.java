package io.distok.util;

/**
 * Bad input detected before any output was written: a message meant for the user, naming the file, row and
 * problem. Commands print the message alone, without a stack trace.
 */
public class InvalidInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidInputException(String message) {
    super(message);
  }

  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
