package io.distok.lucene.analysis;

import java.util.Map;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.TokenizerFactory;
import org.apache.lucene.util.AttributeFactory;

/** Factory of {@link CodeTokenizer}, registered by the SPI name {@value #NAME}; no parameters. */
public final class CodeTokenizerFactory extends TokenizerFactory {
  /** SPI name. */
  public static final String NAME = "distokCodes";

  public CodeTokenizerFactory(Map<String, String> args) {
    super(args);
    if (!args.isEmpty()) {
      throw new IllegalArgumentException("unknown parameters of " + NAME + ": " + args);
    }
  }

  /** Default constructor for the service loader; use the one with arguments. */
  public CodeTokenizerFactory() {
    throw defaultCtorException();
  }

  @Override
  public Tokenizer create(AttributeFactory factory) {
    return new CodeTokenizer(factory);
  }
}
