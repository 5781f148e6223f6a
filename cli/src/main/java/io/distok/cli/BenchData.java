package io.distok.cli;

import io.distok.quant.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks for benchmark data, which lives beside a development checkout and not in the project. */
final class BenchData {
  private BenchData() {}

  /** Fails with a message that says where the data sets are when {@code file} is absent. */
  static void require(Path file) {
    if (!Files.exists(file)) {
      throw new InvalidInputException(file + ": data file not found. The benchmark data sets live in ../shared/data"
          + " beside a development checkout (see its README); pass --data with a path to one of them or to your "
          + "own vectors.");
    }
  }
}
