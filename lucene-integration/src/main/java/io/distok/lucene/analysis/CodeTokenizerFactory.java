package io.distok.lucene.analysis;

import java.util.Map;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.TokenizerFactory;
import org.apache.lucene.util.AttributeFactory;

/**
 * Factory of {@link CodeTokenizer}, registered by the SPI name {@value #NAME}. Parameters: {@code expand} (t, the
 * nearest codes added per code; default 0, no expansion) and, when expanding, {@code model}: the directory of a
 * saved distok quantizer ({@code distok quantize fit}) or semantic-ID model whose codebooks rank the neighbours.
 */
public final class CodeTokenizerFactory extends TokenizerFactory {
  /** SPI name. */
  public static final String NAME = "distokCodes";

  private final CodeNeighbours expansion;

  public CodeTokenizerFactory(Map<String, String> args) {
    super(args);
    int t = getInt(args, "expand", 0);
    String model = get(args, "model");
    if (!args.isEmpty()) {
      throw new IllegalArgumentException("unknown parameters of " + NAME + ": " + args);
    }
    if (t < 0) {
      throw new IllegalArgumentException(NAME + ": expand must be >= 0, got " + t);
    }
    if (t > 0 && model == null) {
      throw new IllegalArgumentException(NAME + ": expand needs model (the directory of the model whose codes these "
          + "are)");
    }
    if (t == 0) {
      expansion = null;
    } else {
      java.nio.file.Path dir = java.nio.file.Path.of(model);
      // a semantic-ID model keeps its quantizer in quantizer/
      java.nio.file.Path quantizer = java.nio.file.Files.isDirectory(dir.resolve("quantizer")) ? dir.resolve(
          "quantizer") : dir;
      try {
        expansion = CodeNeighbours.of(io.distok.quant.io.ModelStore.load(quantizer), t);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(NAME + ": cannot read the model at " + model, e);
      }
    }
  }

  /** Default constructor for the service loader; use the one with arguments. */
  public CodeTokenizerFactory() {
    throw defaultCtorException();
  }

  @Override
  public Tokenizer create(AttributeFactory factory) {
    return new CodeTokenizer(factory, expansion);
  }
}
