package io.distok.quant.kmeans;

import io.distok.quant.family.FamilyParameter;
import io.distok.quant.family.ModelState;
import io.distok.quant.family.ParameterValues;
import java.util.List;
import java.util.Map;

/**
 * The k-means parameters every family with k-means-trained codebooks shares (VQ, RQ, PQ), declared once:
 * their names in saved models ({@code K}, {@code niter}, {@code maxPointsPerCentroid}, {@code tolerance},
 * {@code kmeansPlusPlus}, {@code progressiveDimSteps}), their command-line options and defaults, and how they are read back.
 */
public final class KMeansFamilyParameters {
  /** The seeding choices of {@code --init}. */
  public static final String PLUS_PLUS = "kmeans++";
  public static final String RANDOM = "random";

  private static final List<FamilyParameter> PARAMETERS = List.of(
      FamilyParameter.integer("K", "--K", 256, "Codes per codebook."),
      FamilyParameter.integer("niter", "--niter", 20, "k-means iterations."),
      FamilyParameter.integer("maxPointsPerCentroid", "--max-points-per-centroid", 256,
          "Subsample training data to K times this, 0 = all."),
      FamilyParameter.real("tolerance", "--tolerance", 0.0,
          "Stop k-means when the objective improves by less than this fraction, 0 = never."),
      FamilyParameter.choice("init", "--init", PLUS_PLUS, List.of(PLUS_PLUS, RANDOM), "k-means seeding."));

  private KMeansFamilyParameters() {}

  /** The shared parameters. */
  public static List<FamilyParameter> parameters() {
    return PARAMETERS;
  }

  /** k-means settings from given values. */
  public static KMeansParams from(ParameterValues v) {
    return new KMeansParams(v.getInt("K"), v.getInt("niter"), v.getInt("maxPointsPerCentroid"),
        v.getDouble("tolerance"), PLUS_PLUS.equals(v.getChoice("init")));
  }

  /**
   * k-means settings as saved by {@link #put} ({@code K} may be a per-level list; its first entry is taken), with
   * the progressive steps 0 in models saved before they existed.
   */
  public static KMeansParams read(ModelState.Reader in) {
    return new KMeansParams(in.intParameter("K"), in.intParameter("niter"), in.intParameter("maxPointsPerCentroid"),
        in.doubleParameter("tolerance"), in.booleanParameter("kmeansPlusPlus", false),
        in.intParameter("progressiveDimSteps", 0));
  }

  /** Adds the settings other than K to a model's parameter map. */
  public static void put(KMeansParams p, Map<String, Object> parameters) {
    parameters.put("niter", p.niter());
    parameters.put("maxPointsPerCentroid", p.maxPointsPerCentroid());
    parameters.put("tolerance", p.tolerance());
    parameters.put("kmeansPlusPlus", p.kmeansPlusPlus());
    parameters.put("progressiveDimSteps", p.progressiveDimSteps());
  }
}
