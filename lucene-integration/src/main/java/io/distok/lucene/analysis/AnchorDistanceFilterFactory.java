package io.distok.lucene.analysis;

import java.util.Map;
import org.apache.lucene.analysis.TokenFilterFactory;
import org.apache.lucene.analysis.TokenStream;

/**
 * Factory of {@link AnchorDistanceFilter}, registered by the SPI name {@value #NAME}, e.g. after a whitespace
 * tokenizer: {@code CustomAnalyzer.builder().withTokenizer("whitespace").addTokenFilter("distokAnchorDistance",
 * "maxDistance", "4")}. Parameter: {@code maxDistance} (default {@value #DEFAULT_MAX_DISTANCE}).
 */
public final class AnchorDistanceFilterFactory extends TokenFilterFactory {
  /** SPI name. */
  public static final String NAME = "distokAnchorDistance";
  /** Default distance at which anchors weigh 1. */
  public static final int DEFAULT_MAX_DISTANCE = 8;

  private final int maxDistance;

  public AnchorDistanceFilterFactory(Map<String, String> args) {
    super(args);
    maxDistance = getInt(args, "maxDistance", DEFAULT_MAX_DISTANCE);
    if (maxDistance < 0) {
      throw new IllegalArgumentException("maxDistance must be >= 0, got " + maxDistance);
    }
    if (!args.isEmpty()) {
      throw new IllegalArgumentException("unknown parameters of " + NAME + ": " + args);
    }
  }

  /** Default constructor for the service loader; use the one with arguments. */
  public AnchorDistanceFilterFactory() {
    throw defaultCtorException();
  }

  @Override
  public TokenStream create(TokenStream input) {
    return new AnchorDistanceFilter(input, maxDistance);
  }
}
