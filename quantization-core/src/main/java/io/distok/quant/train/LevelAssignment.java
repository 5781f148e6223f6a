package io.distok.quant.train;

import java.util.Objects;

/**
 * How a level of level-wise training assigns its rows once the level's k-means has run: the {@link Assigner},
 * then {@code rounds} alternations of a mean update of the codewords and a new assignment (with a balanced
 * assigner this is balanced k-means). Nearest assignment with no rounds is plain RQ-KMeans.
 *
 * @param assigner the assignment step
 * @param rounds mean-update and re-assignment rounds after the first assignment (>= 0)
 */
public record LevelAssignment(Assigner assigner, int rounds) {
  /** Nearest assignment, no extra rounds: plain RQ-KMeans. */
  public static final LevelAssignment NEAREST = new LevelAssignment(NearestAssigner.INSTANCE, 0);

  public LevelAssignment {
    Objects.requireNonNull(assigner, "assigner");
    if (rounds < 0) {
      throw new IllegalArgumentException("assignment rounds must be >= 0, got " + rounds);
    }
  }

  /** Whether this is {@link #NEAREST}. */
  public boolean isNearest() {
    return assigner == NearestAssigner.INSTANCE && rounds == 0;
  }

  /** For model parameters: {@code nearest}, or e.g. {@code balanced(slack=0.0, scope=...) x 2 rounds}. */
  public String describe() {
    return rounds == 0 ? assigner.describe() : assigner.describe() + " + " + rounds + " rounds";
  }
}
