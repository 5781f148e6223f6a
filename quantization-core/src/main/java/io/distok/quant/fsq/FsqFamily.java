package io.distok.quant.fsq;

import io.distok.quant.Quantizer;
import io.distok.quant.QuantizerTrainer;
import io.distok.quant.family.FamilyParameter;
import io.distok.quant.family.ModelState;
import io.distok.quant.family.ParameterValues;
import io.distok.quant.family.QuantizerFamily;
import io.distok.quant.fsq.FiniteScalarQuantizer.Bound;
import io.distok.quant.transform.Projection;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import java.io.IOException;
import java.util.List;

/**
 * The {@code fsq} family: a training-free projection to as many dimensions as there are levels, then {@link
 * FiniteScalarQuantizer}. The levels come from {@code --fsq-levels} (any list), or from {@code --bits} through the
 * paper's tables ({@link FsqLevels#forBits}), else the paper's 2^10 row {@code 8,5,5,5}. State: a 2 x dims matrix
 * (center, scale) and a dims x max(L) matrix of level values (row t: dimension t's values, zero-padded), both
 * {@code .npy}; the projection is saved as the model's transform.
 */
public final class FsqFamily implements QuantizerFamily {
  /** Bits of the paper's table used when neither --fsq-levels nor --bits is given: 2^10, {@code 8,5,5,5}. */
  public static final int DEFAULT_TABLE_BITS = 10;
  private static final String DEFAULT_LEVELS = String.join(",",
      java.util.Arrays.stream(FsqLevels.recommended(DEFAULT_TABLE_BITS)).mapToObj(Integer::toString).toList());

  @Override
  public String name() {
    return "fsq";
  }

  @Override
  public String description() {
    return "finite scalar quantization: projected dimensions rounded to L levels each, implicit codebook";
  }

  @Override
  public List<FamilyParameter> parameters() {
    return List.of(
        FamilyParameter.text("levels", "--fsq-levels", null, "Levels L per dimension, comma-separated (the paper's "
            + "L_i), e.g. 8,5,5,5; default: from --bits, else " + DEFAULT_LEVELS),
        FamilyParameter.integer("bits", "--bits", 0, "Bits per vector: the paper's level tables, one code "
            + "position per 16 bits; 0 uses --fsq-levels"),
        FamilyParameter.integer("groups", "--groups", 0, "Code positions the levels are split into (mixed-radix "
            + "index per position); 0 = as few as keep each within 2^62 codes"),
        FamilyParameter.choice("bound", "--bound", "tanh", List.of("tanh", "clamp"), "Bounding function f before "
            + "rounding"),
        Projection.parameter(Projection.PCA, "Projection to the levels' dimensions"));
  }

  @Override
  public QuantizerTrainer<? extends Quantizer> trainer(ParameterValues values) {
    int[] levels = values.getIntListOrNull("levels");
    int bits = values.getInt("bits");
    int groups = values.getInt("groups");
    int[] starts;
    if (levels != null && bits > 0) {
      throw new InvalidInputException("--fsq-levels and --bits both choose FSQ's levels; give one");
    }
    if (bits < 0) {
      throw new InvalidInputException("--bits must be >= 1, got " + bits);
    }
    if (levels == null && bits > 0) {
      FsqLevels.Plan plan = FsqLevels.forBits(bits);
      levels = plan.levels();
      starts = groups == 0 ? plan.groupStarts() : FsqLevels.groupStarts(levels, groups);
    } else {
      if (levels == null) {
        levels = FsqLevels.recommended(DEFAULT_TABLE_BITS);
      }
      for (int l : levels) {
        if (l < 2 || l > 1 << 16) {
          throw new InvalidInputException("--fsq-levels: each level count must be in [2, 65536], got " + l);
        }
      }
      try {
        starts = FsqLevels.groupStarts(levels, groups);
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException(e.getMessage());
      }
    }
    FsqTrainer inner = new FsqTrainer(levels, starts, Bound.of(values.getChoice("bound")));
    return Projection.from(values).trainer(levels.length, inner);
  }

  @Override
  public int stateVersion() {
    return 1;
  }

  @Override
  public void write(Quantizer model, ModelState.Writer out) throws IOException {
    FiniteScalarQuantizer q = (FiniteScalarQuantizer) model;
    int dims = q.dimension();
    int maxLevels = 0;
    for (int l : q.levels()) {
      maxLevels = Math.max(maxLevels, l);
    }
    FloatMatrix cs = new FloatMatrix(2, dims);
    cs.setRow(0, q.center());
    cs.setRow(1, q.scale());
    FloatMatrix v = new FloatMatrix(dims, maxLevels);
    for (int t = 0; t < dims; t++) {
      float[] row = q.values(t);
      for (int k = 0; k < row.length; k++) {
        v.set(t, k, row[k]);
      }
    }
    out.matrices("centerScale", "center-scale", List.of(cs));
    out.matrices("levelValues", "level-values", List.of(v));
  }

  @Override
  public Quantizer read(ModelState.Reader in) throws IOException {
    int[] levels = in.intListParameter("levels");
    int[] starts = in.intListParameter("groupStarts");
    FloatMatrix cs = in.matrices("centerScale").get(0);
    FloatMatrix v = in.matrices("levelValues").get(0);
    if (cs.rows() != 2 || cs.cols() != levels.length || v.rows() != levels.length) {
      throw new InvalidInputException(in.source() + ": FSQ state does not match its " + levels.length + " levels");
    }
    float[][] values = new float[levels.length][];
    for (int t = 0; t < levels.length; t++) {
      if (levels[t] > v.cols()) {
        throw new InvalidInputException(in.source() + ": FSQ level values have " + v.cols() + " columns for "
            + levels[t] + " levels");
      }
      values[t] = new float[levels[t]];
      for (int k = 0; k < levels[t]; k++) {
        values[t][k] = v.get(t, k);
      }
    }
    try {
      return new FiniteScalarQuantizer(levels, starts, Bound.of(in.textParameter("bound")), cs.rowCopy(0),
          cs.rowCopy(1), values);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(in.source() + ": " + e.getMessage());
    }
  }
}
