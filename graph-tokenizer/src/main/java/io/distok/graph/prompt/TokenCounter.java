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
