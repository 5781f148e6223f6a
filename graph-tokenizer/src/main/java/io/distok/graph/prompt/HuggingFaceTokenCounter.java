package io.distok.graph.prompt;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.distok.util.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Token counts of a HuggingFace tokenizer given by its {@code tokenizer.json} (the file every model repository
 * on the Hub carries: Llama, Qwen, Mistral, BERT, ...), run by the Rust {@code tokenizers} library through DJL's
 * Java binding, offline. Special tokens the model adds around a sequence (BOS, CLS) are not counted: a prompt is
 * a part of the model's input, not all of it. Cost O(text length) per count; thread-safe.
 */
public final class HuggingFaceTokenCounter implements TokenCounter, AutoCloseable {
  private final HuggingFaceTokenizer tokenizer;
  private final String unit;

  private HuggingFaceTokenCounter(HuggingFaceTokenizer tokenizer, String unit) {
    this.tokenizer = tokenizer;
    this.unit = unit;
  }

  /**
   * Loads {@code tokenizer.json} (or a directory holding one).
   *
   * @throws InvalidInputException naming the file when it is missing or not a tokenizer the library can load
   */
  public static HuggingFaceTokenCounter load(Path file) {
    Path json = Files.isDirectory(file) ? file.resolve("tokenizer.json") : file;
    if (!Files.isRegularFile(json)) {
      throw new InvalidInputException(json + ": no such tokenizer file (give a HuggingFace tokenizer.json or the "
          + "directory holding it)");
    }
    try {
      HuggingFaceTokenizer t = HuggingFaceTokenizer.builder().optTokenizerPath(json).optAddSpecialTokens(false)
          .optTruncation(false).optPadding(false).build();
      return new HuggingFaceTokenCounter(t, json.getFileName() + " tokens (" + json.toAbsolutePath().getParent()
          .getFileName() + ")");
    } catch (IOException | RuntimeException e) {
      throw new InvalidInputException(json + ": not a tokenizer the HuggingFace tokenizers library can load ("
          + e.getMessage() + ")", e);
    }
  }

  @Override
  public int count(String text) {
    return tokenizer.encode(text, false, false).getIds().length;
  }

  @Override
  public String unit() {
    return unit;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
