package io.distok.lucene.analysis;

import java.util.Map;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.TokenizerFactory;
import org.apache.lucene.util.AttributeFactory;

/**
 * Factory of {@link SemanticIdTokenizer}, registered by the SPI name {@value #NAME}: {@code
 * CustomAnalyzer.builder().withTokenizer("distokSemanticId", "maxDepth", "2")}, or in a Solr schema {@code
 * <tokenizer name="distokSemanticId" maxDepth="2"/>}. Parameter: {@code maxDepth}, the deepest prefix term
 * (default: every depth).
 */
public final class SemanticIdTokenizerFactory extends TokenizerFactory {
  /** SPI name. */
  public static final String NAME = "distokSemanticId";

  private final int maxDepth;

  public SemanticIdTokenizerFactory(Map<String, String> args) {
    super(args);
    maxDepth = getInt(args, "maxDepth", Integer.MAX_VALUE);
    if (maxDepth < 1) {
      throw new IllegalArgumentException("maxDepth must be >= 1, got " + maxDepth);
    }
    if (!args.isEmpty()) {
      throw new IllegalArgumentException("unknown parameters of " + NAME + ": " + args);
    }
  }

  /** Default constructor for the service loader; use the one with arguments. */
  public SemanticIdTokenizerFactory() {
    throw defaultCtorException();
  }

  @Override
  public Tokenizer create(AttributeFactory factory) {
    return new SemanticIdTokenizer(factory, maxDepth);
  }
}
