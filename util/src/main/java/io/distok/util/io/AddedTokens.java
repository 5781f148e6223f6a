package io.distok.util.io;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The two files that add a token vocabulary to a language model's tokenizer: {@code vocabulary.txt} (one token
 * per line) and {@code added_tokens.json} (a JSON list of the token strings, for HuggingFace's {@code
 * tokenizer.add_tokens(json.load(f))}). Each file is written atomically. O(tokens).
 */
public final class AddedTokens {
  /** File name of the one-token-per-line vocabulary. */
  public static final String VOCABULARY = "vocabulary.txt";
  /** File name of the JSON token list. */
  public static final String ADDED_TOKENS = "added_tokens.json";

  private AddedTokens() {}

  /** Writes both files into {@code dir} (which must exist). */
  public static void write(Path dir, List<String> tokens) throws IOException {
    AtomicFiles.write(dir.resolve(VOCABULARY), out -> out.write((String.join("\n", tokens)
        + (tokens.isEmpty() ? "" : "\n")).getBytes(StandardCharsets.UTF_8)));
    AtomicFiles.write(dir.resolve(ADDED_TOKENS), out -> out.write((JSON.std.asString(tokens) + "\n")
        .getBytes(StandardCharsets.UTF_8)));
  }
}
