package io.distok.quant.rq;

import io.distok.quant.Quantizer;
import io.distok.quant.QuantizerTrainer;
import io.distok.quant.family.FamilyParameter;
import io.distok.quant.family.ModelState;
import io.distok.quant.family.ParameterValues;
import io.distok.quant.family.QuantizerFamily;
import io.distok.quant.kmeans.KMeansFamilyParameters;
import io.distok.quant.kmeans.KMeansParams;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code rq} family: {@link ResidualQuantizer}, L codebooks on successive residuals. State: the L codebooks,
 * plus the direction codebooks of a model trained with normalised residuals.
 */
public final class ResidualQuantizerFamily implements QuantizerFamily {
  private static final FamilyParameter BEAM = FamilyParameter.integer("beam", "--beam", 1,
      "Encoder beam width, 1 = greedy.");
  private static final List<FamilyParameter> PARAMETERS;

  static {
    List<FamilyParameter> p = new ArrayList<>();
    p.add(FamilyParameter.integer("L", "--L", 3, "Levels.").withAliases("--levels"));
    p.add(BEAM);
    p.add(FamilyParameter.integer("trainBeam", "--train-beam", 1, "Training beam width: each level's k-means sees "
        + "the residuals of the B best partial encodings of every row, as faiss trains; 1 = greedy RQ-KMeans."));
    p.add(FamilyParameter.integer("refineRounds", "--refine-rounds", ResidualQuantizerParams.DEFAULT_REFINE_ROUNDS,
        "Joint codebook refinement rounds after level-wise training (default: "
            + ResidualQuantizerParams.DEFAULT_REFINE_ROUNDS + ", 0 with --normalize-residuals).")
        .withDefault(null));
    p.add(FamilyParameter.choice("levelTraining", "--level-training", LevelTraining.AUTO.optionName(),
        LevelTraining.optionNames(), "How each level's codebook is trained: kmeans (--init, --niter); "
            + "progressive-dim, faiss's RQ default (k-means on the first d^(s/10) principal components for s = 1..10 "
            + "in turn, --niter iterations each, 10 unless given); auto: progressive-dim when the first d^0.7 "
            + "principal components hold 80% of the variance (as for images), kmeans otherwise."));
    p.add(FamilyParameter.flag("normalizeResiduals", "--normalize-residuals",
        "Assign each level by the residual's direction (spherical k-means)."));
    p.addAll(KMeansFamilyParameters.parameters());
    PARAMETERS = List.copyOf(p);
  }

  @Override
  public String name() {
    return "rq";
  }

  @Override
  public String description() {
    return "residual quantization: L k-means codebooks applied to successive residuals, beam-search encoding";
  }

  @Override
  public List<FamilyParameter> parameters() {
    return PARAMETERS;
  }

  @Override
  public List<FamilyParameter> encodeParameters() {
    return List.of(BEAM);
  }

  @Override
  public QuantizerTrainer<ResidualQuantizer> trainer(ParameterValues values) {
    int levels = values.getInt("L");
    if (levels < 1) {
      throw new IllegalArgumentException("--L must be >= 1, got " + levels);
    }
    KMeansParams km = KMeansFamilyParameters.from(values);
    int[] ks = new int[levels];
    Arrays.fill(ks, km.k());
    var params = new ResidualQuantizerParams(ks, km, values.getInt("beam"), values.getBoolean("normalizeResiduals"));
    Integer refine = values.getIntOrNull("refineRounds");
    if (refine != null) {
      params = params.withRefineRounds(refine);
    }
    return ResidualQuantizer.trainer(params.withTrainBeam(values.getInt("trainBeam")),
        LevelTraining.named(values.getChoice("levelTraining")), values.isSet("niter"));
  }

  @Override
  public Quantizer reconfigure(Quantizer model, ParameterValues values) {
    return values.isSet("beam") ? ((ResidualQuantizer) model).withBeam(values.getInt("beam")) : model;
  }

  @Override
  public int stateVersion() {
    return 1;
  }

  @Override
  public void write(Quantizer model, ModelState.Writer out) throws IOException {
    ResidualQuantizer rq = (ResidualQuantizer) model;
    out.matrices("codebooks", "codebook", rq.codebooks());
    if (rq.params().normalizeResiduals()) {
      out.matrices("directionCodebooks", "direction", rq.directionCodebooks());
    }
  }

  @Override
  public Quantizer read(ModelState.Reader in) throws IOException {
    KMeansParams km = KMeansFamilyParameters.read(in);
    boolean normalize = in.booleanParameter("normalizeResiduals", false);
    var params = new ResidualQuantizerParams(in.intListParameter("K"), km, in.intParameter("beam"), normalize,
        in.intParameter("refineRounds", 0), in.intParameter("trainBeam", 1));
    return new ResidualQuantizer(in.matrices("codebooks"), normalize ? in.matrices("directionCodebooks") : null,
        params);
  }
}
