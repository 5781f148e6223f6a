package io.distok.graph.prompt;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import java.util.Locale;
import java.util.Optional;

/**
 * Token counts of an OpenAI BPE encoding ({@code cl100k_base} for GPT-4 and GPT-3.5, {@code o200k_base} for
 * GPT-4o, {@code p50k_base}, {@code r50k_base}), through JTokkit, which ships the encodings' merge tables and runs
 * offline. Cost O(text length) per count after the encoding's one-time load (about a second).
 */
public final class TiktokenCounter implements TokenCounter {
  private static final class Registry {
    static final EncodingRegistry INSTANCE = Encodings.newDefaultEncodingRegistry();
  }

  private final Encoding encoding;

  private TiktokenCounter(Encoding encoding) {
    this.encoding = encoding;
  }

  /** The encoding of that name ({@code cl100k_base}, ...), if JTokkit knows it. */
  public static Optional<TiktokenCounter> forName(String name) {
    return Registry.INSTANCE.getEncoding(name.toLowerCase(Locale.ROOT)).map(TiktokenCounter::new);
  }

  @Override
  public int count(String text) {
    return encoding.countTokensOrdinary(text);
  }

  @Override
  public String unit() {
    return encoding.getName() + " tokens";
  }
}
