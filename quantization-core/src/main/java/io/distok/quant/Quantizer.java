package io.distok.quant;

import java.util.List;
import java.util.Map;

/**
 * A trained discrete tokenizer of vectors: maps each d-dimensional vector to {@code m} integer codes, code
 * {@code j} taken from a codebook of {@link #codebookSize(int) K_j} entries, and maps codes back to an
 * approximate vector.
 *
 * <p>Every method of the core implements this one interface (faiss's {@code Quantizer}, minus training, which
 * lives in each method's trainer so that a trained model can be immutable). Implementations are immutable and
 * thread-safe; {@link #encode} is parallel over rows and deterministic whatever the thread count.
 */
public interface Quantizer {

  /** Short method name as used on the command line and in saved models: {@code vq}, {@code rq}, {@code pq}. */
  String method();

  /** Input dimension d. */
  int dimension();

  /** Number of codes per vector, m (1 for VQ, the level count L for RQ, the sub-space count M for PQ). */
  int codebookCount();

  /** Number of entries K of codebook {@code j}. */
  int codebookSize(int j);

  /**
   * The codebooks, one matrix per code position: entry {@code c} of codebook {@code j} is row {@code c}. For
   * VQ and RQ rows have dimension d; for PQ they have the sub-space dimension d/M. Returned matrices are copies.
   */
  List<FloatMatrix> codebooks();

  /** Parameters the model was trained with, named as the papers and faiss name them (K, M, L, beam, ...). */
  Map<String, Object> parameters();

  /**
   * Encodes every row of {@code x}. Cost is method-specific and stated by each implementation.
   *
   * @throws InvalidInputException if {@code x.cols() != dimension()} or a value is not finite
   */
  Codes encode(FloatMatrix x);

  /** Reconstructs the vectors the codes stand for. */
  FloatMatrix decode(Codes codes);

  /** Checks that {@code x} fits this model; names {@code source} in the message. */
  default void requireCompatible(FloatMatrix x, String source) {
    if (x.cols() != dimension()) {
      throw new InvalidInputException(
          source + ": dimension " + x.cols() + " != " + dimension() + " expected by the " + method() + " model");
    }
    x.requireFinite(source);
  }

  /** Checks that {@code codes} has one code per codebook, each within its codebook. */
  default void requireValidCodes(Codes codes) {
    if (codes.codesPerRow() != codebookCount()) {
      throw new InvalidInputException(
          "codes have " + codes.codesPerRow() + " columns != " + codebookCount() + " codebooks of the model");
    }
    for (int i = 0; i < codes.rows(); i++) {
      for (int j = 0; j < codebookCount(); j++) {
        int c = codes.get(i, j);
        if (c < 0 || c >= codebookSize(j)) {
          throw new InvalidInputException("code " + c + " in row " + i + ", position " + j + " is outside [0, "
              + codebookSize(j) + ")");
        }
      }
    }
  }
}
