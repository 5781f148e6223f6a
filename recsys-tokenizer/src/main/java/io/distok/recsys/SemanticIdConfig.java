package io.distok.recsys;

import io.distok.util.InvalidInputException;
import io.distok.util.io.JsonFields;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * @param rqVae the RQ-VAE recipe's settings, or null for RQ-KMeans (the codebooks fitted by k-means directly on
 *     the embeddings)
 */
public record SemanticIdConfig(int[] codebookSizes, int niter, long seed, boolean normalize, boolean balanced,
    int balanceRounds, double balanceSlack, CollisionPolicy.Kind collision, int suffixSize, TokenFormat format,
    RqVaeSettings rqVae) {

  /** The default recipe. */
  public static final SemanticIdConfig DEFAULT = new SemanticIdConfig(new int[] {256, 256, 256}, 20, 42, true,
      true, 2, 1.0, CollisionPolicy.Kind.SUFFIX, 256, TokenFormat.DEFAULT, null);

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

  /** The configuration as the JSON object a saved model records ({@code semantic-ids.json}). */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("codebookSizes", Arrays.stream(codebookSizes).boxed().toList());
    m.put("niter", niter);
    m.put("seed", seed);
    m.put("normalize", normalize);
    m.put("balanced", balanced);
    m.put("balanceRounds", balanceRounds);
    m.put("balanceSlack", balanceSlack);
    m.put("collisionPolicy", collision.name());
    m.put("suffixSize", suffixSize);
    m.put("tokenStyle", format.style().name());
    m.put("beginToken", format.begin());
    m.put("endToken", format.end());
    if (rqVae != null) {
      m.put("rqVae", rqVae.toJson());
    }
    return m;
  }

  /**
   * Reads what {@link #toJson} wrote.
   *
   * @param source named in messages
   * @throws InvalidInputException naming the entry that is missing or malformed
   */
  public static SemanticIdConfig fromJson(Map<String, Object> m, String source) {
    JsonFields f = new JsonFields(m, source, "entry");
    try {
      TokenFormat format = new TokenFormat(TokenFormat.Style.valueOf(f.string("tokenStyle")),
          (String) m.get("beginToken"), (String) m.get("endToken"));
      return new SemanticIdConfig(f.integers("codebookSizes"), f.integer("niter"), f.longInteger("seed"),
          Boolean.TRUE.equals(m.get("normalize")), Boolean.TRUE.equals(m.get("balanced")), f.integer("balanceRounds"),
          f.real("balanceSlack"), CollisionPolicy.Kind.valueOf(f.string("collisionPolicy")), f.integer("suffixSize"),
          format, m.get("rqVae") == null ? null : RqVaeSettings.fromJson(f.object("rqVae"), source));
    } catch (ClassCastException | IllegalArgumentException e) {
      throw new InvalidInputException(source + ": malformed configuration entry (" + e.getMessage() + ")");
    }
  }

  /** A builder starting from {@link #DEFAULT}. */
  public static Builder builder() {
    return DEFAULT.toBuilder();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  public SemanticIdConfig withCodebookSizes(int... sizes) {
    return toBuilder().codebookSizes(sizes).build();
  }

  public SemanticIdConfig withSeed(long s) {
    return toBuilder().seed(s).build();
  }

  public SemanticIdConfig withNormalize(boolean n) {
    return toBuilder().normalize(n).build();
  }

  public SemanticIdConfig withBalanced(boolean b) {
    return toBuilder().balanced(b).build();
  }

  public SemanticIdConfig withBalanceSlack(double slack) {
    return toBuilder().balanceSlack(slack).build();
  }

  public SemanticIdConfig withCollision(CollisionPolicy.Kind c) {
    return toBuilder().collision(c).build();
  }

  public SemanticIdConfig withSuffixSize(int s) {
    return toBuilder().suffixSize(s).build();
  }

  public SemanticIdConfig withFormat(TokenFormat f) {
    return toBuilder().format(f).build();
  }

  /** The RQ-VAE recipe with {@code settings}, or RQ-KMeans when null. */
  public SemanticIdConfig withRqVae(RqVaeSettings settings) {
    return toBuilder().rqVae(settings).build();
  }

  /** The recipe's name as the CLI spells it: {@code rq-kmeans} or {@code rq-vae}. */
  public String recipe() {
    return rqVae == null ? "rq-kmeans" : "rq-vae";
  }

  public SemanticIdConfig withNiter(int n) {
    return toBuilder().niter(n).build();
  }

  /** Builds a configuration field by field; {@link #build()} checks it. */
  public static final class Builder {
    private int[] codebookSizes;
    private int niter;
    private long seed;
    private boolean normalize;
    private boolean balanced;
    private int balanceRounds;
    private double balanceSlack;
    private CollisionPolicy.Kind collision;
    private int suffixSize;
    private TokenFormat format;
    private RqVaeSettings rqVae;

    private Builder(SemanticIdConfig c) {
      codebookSizes = c.codebookSizes;
      niter = c.niter;
      seed = c.seed;
      normalize = c.normalize;
      balanced = c.balanced;
      balanceRounds = c.balanceRounds;
      balanceSlack = c.balanceSlack;
      collision = c.collision;
      suffixSize = c.suffixSize;
      format = c.format;
      rqVae = c.rqVae;
    }

    public Builder codebookSizes(int... sizes) {
      codebookSizes = sizes.clone();
      return this;
    }

    public Builder niter(int n) {
      niter = n;
      return this;
    }

    public Builder seed(long s) {
      seed = s;
      return this;
    }

    public Builder normalize(boolean n) {
      normalize = n;
      return this;
    }

    public Builder balanced(boolean b) {
      balanced = b;
      return this;
    }

    public Builder balanceRounds(int r) {
      balanceRounds = r;
      return this;
    }

    public Builder balanceSlack(double s) {
      balanceSlack = s;
      return this;
    }

    public Builder collision(CollisionPolicy.Kind c) {
      collision = c;
      return this;
    }

    public Builder suffixSize(int s) {
      suffixSize = s;
      return this;
    }

    public Builder format(TokenFormat f) {
      format = f;
      return this;
    }

    public Builder rqVae(RqVaeSettings settings) {
      rqVae = settings;
      return this;
    }

    /**
     * The configuration.
     *
     * @throws IllegalArgumentException if a field is out of range
     */
    public SemanticIdConfig build() {
      return new SemanticIdConfig(codebookSizes, niter, seed, normalize, balanced, balanceRounds, balanceSlack,
          collision, suffixSize, format, rqVae);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SemanticIdConfig c && Arrays.equals(codebookSizes, c.codebookSizes) && niter == c.niter
        && seed == c.seed && normalize == c.normalize && balanced == c.balanced && balanceRounds == c.balanceRounds
        && Double.compare(balanceSlack, c.balanceSlack) == 0
        && collision == c.collision && suffixSize == c.suffixSize && format.equals(c.format)
        && java.util.Objects.equals(rqVae, c.rqVae);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(codebookSizes) + 31 * Long.hashCode(seed);
  }

  @Override
  public String toString() {
    return "SemanticIdConfig" + Arrays.toString(codebookSizes) + " niter=" + niter + " seed=" + seed
        + " normalize=" + normalize + " balanced=" + balanced + " collision=" + collision
        + (rqVae == null ? "" : " " + rqVae);
  }
}
