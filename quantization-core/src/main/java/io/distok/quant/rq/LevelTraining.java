package io.distok.quant.rq;

import io.distok.util.FloatMatrix;
import io.distok.quant.kmeans.KMeansParams;
import io.distok.quant.kmeans.ProgressiveDimKMeans;
import java.util.List;

/**
 * How each RQ level's codebook is trained: the choice of faiss's {@code ResidualQuantizer.train_type} between
 * plain k-means ({@code Train_default}) and progressive-dimension k-means ({@code Train_progressive_dim}, faiss's
 * default), plus a rule that picks between them from the data.
 */
public enum LevelTraining {
  /** Plain k-means with the given seeding and iterations at every level. */
  KMEANS("kmeans"),
  /** Progressive-dimension k-means ({@link ProgressiveDimKMeans}, 10 steps) at every level. */
  PROGRESSIVE_DIM("progressive-dim"),
  /** {@link #PROGRESSIVE_DIM} when {@link ProgressiveDimKMeans#suits} the training data, else {@link #KMEANS}. */
  AUTO("auto");

  private final String optionName;

  LevelTraining(String optionName) {
    this.optionName = optionName;
  }

  /** The name on the command line. */
  public String optionName() {
    return optionName;
  }

  /** The command-line names, in declaration order. */
  public static List<String> optionNames() {
    return java.util.Arrays.stream(values()).map(LevelTraining::optionName).toList();
  }

  /** The value of a command-line name. */
  public static LevelTraining named(String name) {
    for (LevelTraining t : values()) {
      if (t.optionName.equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown level training '" + name + "', expected one of " + optionNames());
  }

  /**
   * The k-means settings of every level for {@code data}: {@code km} without progressive steps for k-means, with
   * {@link KMeansParams#DEFAULT_PROGRESSIVE_DIM_STEPS} otherwise, each step then running {@code km.niter()}
   * iterations when {@code niterGiven}, else faiss's {@link ProgressiveDimKMeans#DEFAULT_NITER}. {@link #AUTO}
   * costs one spectrum of the data (see {@link ProgressiveDimKMeans#suits}).
   */
  public KMeansParams resolve(KMeansParams km, boolean niterGiven, FloatMatrix data) {
    boolean progressive = this == PROGRESSIVE_DIM || (this == AUTO && ProgressiveDimKMeans.suits(data));
    if (!progressive) {
      return km.withProgressiveDimSteps(0);
    }
    KMeansParams p = km.withProgressiveDimSteps(KMeansParams.DEFAULT_PROGRESSIVE_DIM_STEPS);
    return niterGiven ? p : p.withNiter(ProgressiveDimKMeans.DEFAULT_NITER);
  }
}
