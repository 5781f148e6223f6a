package io.distok.quant;

import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;

import java.util.Map;

/**
 * A trained discrete tokenizer of vectors: maps each d-dimensional vector to a tuple of integer codes laid out
 * as its {@link #layout() code layout} says (position {@code j} holds one of {@code layout().size(j)} codes), and
 * maps codes back to an approximate vector.
 *
 * <p>Every method of the core implements this one interface (faiss's {@code Quantizer}, minus training, which
 * lives in each method's trainer so that a trained model can be immutable). How the codewords are held is a
 * capability: {@link ExplicitCodebooks} for stored codebook matrices (VQ, RQ, PQ), {@link ImplicitCodebook} for
 * codewords computed from their index. Each method is found by name through its {@link io.distok.quant.family.QuantizerFamily}.
 * Implementations are immutable and thread-safe; {@link #encode} is parallel over rows and deterministic whatever
 * the thread count.
 */
public interface Quantizer {

  /** Short method name as used on the command line and in saved models ({@code vq}, {@code rq}, {@code pq}). */
  String method();

  /** Input dimension d. */
  int dimension();

  /** Positions, sizes and bits of the codes this model produces. */
  CodeLayout layout();

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

  /**
   * A scorer of encoded items against one query vector, from their codes alone. This default decodes each item
   * it scores, O(decode of one row) per item; methods with look-up tables override it with an O(m) scorer.
   *
   * @throws InvalidInputException if the query's length is not {@link #dimension()} or a value is not finite
   */
  default QueryScorer scorer(float[] query) {
    return QueryScorer.byDecoding(this, query);
  }

  /** Checks that {@code x} fits this model; names {@code source} in the message. */
  default void requireCompatible(FloatMatrix x, String source) {
    if (x.cols() != dimension()) {
      throw new InvalidInputException(
          source + ": dimension " + x.cols() + " != " + dimension() + " expected by the " + method() + " model");
    }
    x.requireFinite(source);
  }

  /** Checks that {@code codes} has one code per position, each within its position's range. */
  default void requireValidCodes(Codes codes) {
    layout().requireValid(codes);
  }
}
