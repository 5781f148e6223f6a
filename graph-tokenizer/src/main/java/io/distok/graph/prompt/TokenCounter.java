package io.distok.graph.prompt;

/**
 * Counts the tokens a language model's tokenizer makes of a text, for prompt budgets: an OpenAI BPE encoding
 * ({@link TiktokenCounter}), a HuggingFace {@code tokenizer.json} ({@link HuggingFaceTokenCounter}), or, as the
 * stated fallback when no tokenizer is given, {@link #APPROXIMATE} characters / 4. Implementations are
 * thread-safe.
 */
public interface TokenCounter {
  /** Rough characters per token of English-like text, the fallback estimate. */
  int CHARS_PER_TOKEN = 4;

  /** What {@link #named} accepts, for messages. */
  String NAMES = "an OpenAI encoding (cl100k_base, o200k_base, p50k_base, r50k_base) or a HuggingFace "
      + "tokenizer.json file (or its folder)";

  /**
   * The tokenizer a user names: an OpenAI encoding by its name, else the HuggingFace {@code tokenizer.json} at
   * that path; empty when it is neither a known encoding nor an existing path.
   *
   * @throws io.distok.util.InvalidInputException when the path exists but is not a loadable tokenizer
   */
  static java.util.Optional<TokenCounter> named(String nameOrPath) {
    java.util.Optional<TiktokenCounter> openAi = TiktokenCounter.forName(nameOrPath);
    if (openAi.isPresent()) {
      return java.util.Optional.of(openAi.get());
    }
    java.nio.file.Path file = java.nio.file.Path.of(nameOrPath);
    return java.nio.file.Files.exists(file) ? java.util.Optional.of(HuggingFaceTokenCounter.load(file))
        : java.util.Optional.empty();
  }

  /** The number of tokens of {@code text}. */
  int count(String text);

  /** What is counted, for messages and reports (e.g. {@code cl100k_base tokens}). */
  String unit();

  /** Characters (UTF-16 code units): a budget in characters. */
  TokenCounter CHARACTERS = new TokenCounter() {
    @Override
    public int count(String text) {
      return text.length();
    }

    @Override
    public String unit() {
      return "characters";
    }
  };

  /** The fallback estimate: one token per {@link #CHARS_PER_TOKEN} characters, rounded up. */
  TokenCounter APPROXIMATE = new TokenCounter() {
    @Override
    public int count(String text) {
      return (text.length() + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
    }

    @Override
    public String unit() {
      return "approximate tokens (" + CHARS_PER_TOKEN + " characters each)";
    }
  };
}
