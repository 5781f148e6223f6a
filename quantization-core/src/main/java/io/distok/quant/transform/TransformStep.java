package io.distok.quant.transform;

import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A transform to fit on training data: {@code l2}, {@code pca:D}, {@code pca-whiten:D}, {@code rotation}, {@code
 * itq:D} (with 50 iterations). {@link #parse} reads a comma-separated chain as the command line gives it.
 */
@FunctionalInterface
public interface TransformStep {

  /** Fits the transform on {@code x}; {@code seed} drives any randomness. */
  VectorTransform fit(FloatMatrix x, long seed);

  /**
   * A chain such as {@code l2,pca:32} or {@code rotation}.
   *
   * @throws InvalidInputException naming the step that is not understood
   */
  static List<TransformStep> parse(String chain) {
    List<TransformStep> out = new ArrayList<>();
    for (String raw : chain.split(",", -1)) {
      String s = raw.trim().toLowerCase(Locale.ROOT);
      String name = s.contains(":") ? s.substring(0, s.indexOf(':')) : s;
      String arg = s.contains(":") ? s.substring(s.indexOf(':') + 1) : null;
      switch (name) {
        case "l2" -> {
          noArgument(name, arg);
          out.add((x, seed) -> new L2Normalization(x.cols()));
        }
        case "rotation" -> {
          noArgument(name, arg);
          out.add((x, seed) -> LinearTransform.randomRotation(x.cols(), seed));
        }
        case "pca", "pca-whiten" -> {
          int dim = dimension(name, arg);
          boolean whiten = name.equals("pca-whiten");
          out.add((x, seed) -> LinearTransform.pca(x, dim, whiten));
        }
        case "itq" -> {
          int dim = dimension(name, arg);
          out.add((x, seed) -> Itq.train(x, dim, 50, seed).transform());
        }
        default -> throw new InvalidInputException("--transform: unknown step '" + raw.trim()
            + "'; known: l2, pca:D, pca-whiten:D, rotation, itq:D");
      }
    }
    return out;
  }

  private static void noArgument(String name, String arg) {
    if (arg != null) {
      throw new InvalidInputException("--transform: " + name + " takes no argument, got '" + name + ":" + arg + "'");
    }
  }

  private static int dimension(String name, String arg) {
    if (arg == null) {
      throw new InvalidInputException("--transform: " + name + " needs its output dimension, e.g. " + name + ":32");
    }
    try {
      int d = Integer.parseInt(arg);
      if (d < 1) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new InvalidInputException("--transform: " + name + ":" + arg + " needs a positive dimension");
    }
  }
}
