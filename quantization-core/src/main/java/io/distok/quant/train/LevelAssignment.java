package io.distok.quant.train;

import java.util.Objects;

/**
 * How a level of level-wise training assigns its rows once the level's k-means has run: the {@link Assigner},
 * then {@code rounds} alternations of a mean update of the codewords and a new assignment (with a balanced
 * assigner this is balanced k-means). Nearest assignment with no rounds is plain RQ-KMeans. With a sample size
 * below the row count the rounds run on a seeded sample of the rows (as faiss trains k-means on at most 256 rows
 * per centroid) and only the final assignment covers every row, so a large catalogue costs one full assignment
 * per level instead of {@code rounds + 1}.
 *
 * @param assigner the assignment step
 * @param rounds mean-update and re-assignment rounds after the first assignment (>= 0)
 * @param sampleRows rows the rounds run on at most (0 = all rows)
 */
public record LevelAssignment(Assigner assigner, int rounds, int sampleRows) {
  /** Nearest assignment, no extra rounds: plain RQ-KMeans. */
  public static final LevelAssignment NEAREST = new LevelAssignment(NearestAssigner.INSTANCE, 0);

  public LevelAssignment {
    Objects.requireNonNull(assigner, "assigner");
    if (rounds < 0) {
      throw new IllegalArgumentException("assignment rounds must be >= 0, got " + rounds);
    }
    if (sampleRows < 0) {
      throw new IllegalArgumentException("sample rows must be >= 0 (0 = all), got " + sampleRows);
    }
  }

  /** Rounds on all rows. */
  public LevelAssignment(Assigner assigner, int rounds) {
    this(assigner, rounds, 0);
  }

  /** Whether this is {@link #NEAREST}. */
  public boolean isNearest() {
    return assigner == NearestAssigner.INSTANCE && rounds == 0;
  }

  /** For model parameters: {@code nearest}, or e.g. {@code balanced(slack=0.0, scope=...) x 2 rounds}. */
  public String describe() {
    return (rounds == 0 ? assigner.describe() : assigner.describe() + " + " + rounds + " rounds")
        + (sampleRows > 0 && rounds > 0 ? " on at most " + sampleRows + " rows" : "");
  }
}
