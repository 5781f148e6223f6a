package io.distok.quant.rq;

import io.distok.quant.kmeans.KMeansParams;
import io.distok.quant.train.LevelAssignment;
import java.util.Arrays;
import java.util.Objects;

/**
 * Parameters of residual quantization.
 *
 * @param codebookSizes K of each level; the level count L is its length (may differ per level)
 * @param kmeans k-means settings used at every level ({@code k} is replaced by the level's K)
 * @param beam beam width of the encoder (1 = greedy)
 * @param normalizeResiduals assign each level by the direction of the L2-normalised residual (spherical
 *     k-means), keeping the mean raw residual of each cluster as its reconstruction; requires beam 1
 * @param refineRounds rounds of joint codebook refinement after level-wise training: re-encode, then re-fit
 *     every level's codewords to what the other levels leave over (block coordinate descent on the MSE); at most this
 *     many: refinement stops at the first round that does not lower the training error under the model's encoder
 * @param trainBeam beam width during training (1 = greedy, RQ-KMeans): with B > 1 each level's k-means runs on
 *     the residuals of all B best partial encodings of every training row, and the beam is then advanced one level
 *     with the new codebook (faiss's {@code ResidualQuantizer} training with {@code max_beam_size = B}); costs
 *     about B times the greedy training
 * @param assignment how each level assigns its training rows after its k-means ({@link LevelAssignment#NEAREST}
 *     for RQ-KMeans; a balanced assigner for semantic IDs); other than nearest it needs training beam 1 and raw
 *     residuals. It shapes the codebooks only: encoding is always by nearest codes (or the beam)
 */
public record ResidualQuantizerParams(int[] codebookSizes, KMeansParams kmeans, int beam,
    boolean normalizeResiduals, int refineRounds, int trainBeam, LevelAssignment assignment) {

  /** Default refinement rounds. */
  public static final int DEFAULT_REFINE_ROUNDS = 6;

  /** Parameters with {@link #DEFAULT_REFINE_ROUNDS} refinement rounds (none for normalised residuals). */
  public ResidualQuantizerParams(int[] codebookSizes, KMeansParams kmeans, int beam, boolean normalizeResiduals) {
    this(codebookSizes, kmeans, beam, normalizeResiduals, normalizeResiduals ? 0 : DEFAULT_REFINE_ROUNDS);
  }

  /** Parameters trained greedily (training beam 1). */
  public ResidualQuantizerParams(int[] codebookSizes, KMeansParams kmeans, int beam, boolean normalizeResiduals,
      int refineRounds) {
    this(codebookSizes, kmeans, beam, normalizeResiduals, refineRounds, 1);
  }

  /** Parameters with nearest assignment at every level (RQ-KMeans). */
  public ResidualQuantizerParams(int[] codebookSizes, KMeansParams kmeans, int beam, boolean normalizeResiduals,
      int refineRounds, int trainBeam) {
    this(codebookSizes, kmeans, beam, normalizeResiduals, refineRounds, trainBeam, LevelAssignment.NEAREST);
  }

  public ResidualQuantizerParams {
    if (codebookSizes.length == 0) {
      throw new IllegalArgumentException("RQ needs at least one level");
    }
    for (int k : codebookSizes) {
      if (k < 1) {
        throw new IllegalArgumentException("every level needs K >= 1, got " + Arrays.toString(codebookSizes));
      }
    }
    if (beam < 1) {
      throw new IllegalArgumentException("beam must be >= 1, got " + beam);
    }
    if (refineRounds < 0 || (normalizeResiduals && refineRounds > 0)) {
      throw new IllegalArgumentException("refine rounds must be >= 0, and 0 with normalized residuals");
    }
    if (normalizeResiduals && beam != 1) {
      throw new IllegalArgumentException("normalized residuals are encoded greedily: use beam 1");
    }
    if (trainBeam < 1 || (normalizeResiduals && trainBeam != 1)) {
      throw new IllegalArgumentException("training beam must be >= 1, and 1 with normalized residuals, got "
          + trainBeam);
    }
    Objects.requireNonNull(assignment, "assignment");
    if (!assignment.isNearest() && (trainBeam != 1 || normalizeResiduals)) {
      throw new IllegalArgumentException("assignment other than nearest needs training beam 1 and raw residuals");
    }
    codebookSizes = codebookSizes.clone();
  }

  /** L levels of K codes, faiss-like k-means defaults, greedy encoding. */
  public static ResidualQuantizerParams of(int levels, int k) {
    int[] ks = new int[levels];
    Arrays.fill(ks, k);
    return new ResidualQuantizerParams(ks, KMeansParams.of(k), 1, false);
  }

  public ResidualQuantizerParams withBeam(int b) {
    return new ResidualQuantizerParams(codebookSizes, kmeans, b, normalizeResiduals, refineRounds, trainBeam, assignment);
  }

  public ResidualQuantizerParams withRefineRounds(int r) {
    return new ResidualQuantizerParams(codebookSizes, kmeans, beam, normalizeResiduals, r, trainBeam, assignment);
  }

  public ResidualQuantizerParams withTrainBeam(int b) {
    return new ResidualQuantizerParams(codebookSizes, kmeans, beam, normalizeResiduals, refineRounds, b, assignment);
  }

  public ResidualQuantizerParams withKMeans(KMeansParams km) {
    return new ResidualQuantizerParams(codebookSizes, km, beam, normalizeResiduals, refineRounds, trainBeam, assignment);
  }

  public ResidualQuantizerParams withAssignment(LevelAssignment a) {
    return new ResidualQuantizerParams(codebookSizes, kmeans, beam, normalizeResiduals, refineRounds, trainBeam, a);
  }

  @Override
  public int[] codebookSizes() {
    return codebookSizes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResidualQuantizerParams p && Arrays.equals(codebookSizes, p.codebookSizes)
        && kmeans.equals(p.kmeans) && beam == p.beam && normalizeResiduals == p.normalizeResiduals
        && refineRounds == p.refineRounds && trainBeam == p.trainBeam && assignment.equals(p.assignment);
  }

  @Override
  public int hashCode() {
    return (Arrays.hashCode(codebookSizes) * 31 + kmeans.hashCode()) * 31 + beam * 7 + trainBeam;
  }

  @Override
  public String toString() {
    return "RQ" + Arrays.toString(codebookSizes) + " beam=" + beam + " normalize=" + normalizeResiduals + " refine="
        + refineRounds + " trainBeam=" + trainBeam + " assignment=" + assignment.describe();
  }
}
