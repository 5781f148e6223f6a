package io.distok.recsys;

import java.util.Arrays;

/**
 * How semantic IDs are built. The defaults are the recipe of TIGER-style generators: RQ-KMeans with 3 levels of
 * 256 codes, k-means++ seeding, L2-normalised inputs, balanced assignment and a suffix level against
 * collisions.
 *
 * @param codebookSizes K of each level (may differ per level)
 * @param niter k-means iterations per level
 * @param seed random seed
 * @param normalize L2-normalise embeddings first (for cosine-style embeddings)
 * @param balanced balanced (size-constrained) assignment at every level, see {@link io.distok.quant.train.BalancedAssigner}
 * @param balanceRounds rounds of balanced assignment plus centroid update after plain k-means
 * @param balanceSlack how far a code may exceed its fair share within a prefix group: capacity is
 *     {@code ceil(g (1 + slack) / K)} (0 = strict balance; default 1 = twice the fair share)
 * @param collision collision policy
 * @param suffixSize range of the suffix level ({@code 0..suffixSize-1}) of the suffix policy
 * @param format token format
 */
public record SemanticIdConfig(int[] codebookSizes, int niter, long seed, boolean normalize, boolean balanced,
    int balanceRounds, double balanceSlack, CollisionPolicy.Kind collision, int suffixSize, TokenFormat format) {

  /** The default recipe. */
  public static final SemanticIdConfig DEFAULT = new SemanticIdConfig(new int[] {256, 256, 256}, 20, 42, true,
      true, 2, 1.0, CollisionPolicy.Kind.SUFFIX, 256, TokenFormat.DEFAULT);

  public SemanticIdConfig {
    if (codebookSizes.length == 0) {
      throw new IllegalArgumentException("at least one level is needed");
    }
    for (int k : codebookSizes) {
      if (k < 2) {
        throw new IllegalArgumentException("every level needs at least 2 codes: " + Arrays.toString(codebookSizes));
      }
    }
    if (!(balanceSlack >= 0)) {
      throw new IllegalArgumentException("balance slack must be >= 0, got " + balanceSlack);
    }
    if (niter < 0 || balanceRounds < 0) {
      throw new IllegalArgumentException("niter and balanceRounds must be >= 0");
    }
    if (suffixSize < 1) {
      throw new IllegalArgumentException("suffix size must be >= 1");
    }
    codebookSizes = codebookSizes.clone();
  }

  @Override
  public int[] codebookSizes() {
    return codebookSizes.clone();
  }

  public int levels() {
    return codebookSizes.length;
  }

  public SemanticIdConfig withCodebookSizes(int... sizes) {
    return new SemanticIdConfig(sizes, niter, seed, normalize, balanced, balanceRounds, balanceSlack, collision, suffixSize, format);
  }

  public SemanticIdConfig withSeed(long s) {
    return new SemanticIdConfig(codebookSizes, niter, s, normalize, balanced, balanceRounds, balanceSlack, collision, suffixSize,
        format);
  }

  public SemanticIdConfig withNormalize(boolean n) {
    return new SemanticIdConfig(codebookSizes, niter, seed, n, balanced, balanceRounds, balanceSlack, collision, suffixSize,
        format);
  }

  public SemanticIdConfig withBalanced(boolean b) {
    return new SemanticIdConfig(codebookSizes, niter, seed, normalize, b, balanceRounds, balanceSlack, collision, suffixSize,
        format);
  }

  public SemanticIdConfig withBalanceSlack(double slack) {
    return new SemanticIdConfig(codebookSizes, niter, seed, normalize, balanced, balanceRounds, slack, collision,
        suffixSize, format);
  }

  public SemanticIdConfig withCollision(CollisionPolicy.Kind c) {
    return new SemanticIdConfig(codebookSizes, niter, seed, normalize, balanced, balanceRounds, balanceSlack, c, suffixSize, format);
  }

  public SemanticIdConfig withSuffixSize(int s) {
    return new SemanticIdConfig(codebookSizes, niter, seed, normalize, balanced, balanceRounds, balanceSlack, collision, s, format);
  }

  public SemanticIdConfig withFormat(TokenFormat f) {
    return new SemanticIdConfig(codebookSizes, niter, seed, normalize, balanced, balanceRounds, balanceSlack, collision, suffixSize,
        f);
  }

  public SemanticIdConfig withNiter(int n) {
    return new SemanticIdConfig(codebookSizes, n, seed, normalize, balanced, balanceRounds, balanceSlack, collision, suffixSize,
        format);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SemanticIdConfig c && Arrays.equals(codebookSizes, c.codebookSizes) && niter == c.niter
        && seed == c.seed && normalize == c.normalize && balanced == c.balanced && balanceRounds == c.balanceRounds
        && Double.compare(balanceSlack, c.balanceSlack) == 0
        && collision == c.collision && suffixSize == c.suffixSize && format.equals(c.format);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(codebookSizes) + 31 * Long.hashCode(seed);
  }

  @Override
  public String toString() {
    return "SemanticIdConfig" + Arrays.toString(codebookSizes) + " niter=" + niter + " seed=" + seed
        + " normalize=" + normalize + " balanced=" + balanced + " collision=" + collision;
  }
}
