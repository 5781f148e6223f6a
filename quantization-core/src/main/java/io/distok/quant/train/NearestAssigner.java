package io.distok.quant.train;

import io.distok.util.FloatMatrix;
import io.distok.quant.NearestCodes;
import io.distok.quant.kernel.DistanceKernels;
import io.distok.quant.kernel.PackedRows;

/** Every row takes its nearest codeword (squared L2, ties to the smaller code). O(n K d), parallel over rows. */
public final class NearestAssigner implements Assigner {
  /** The one instance. */
  public static final NearestAssigner INSTANCE = new NearestAssigner();

  private NearestAssigner() {}

  @Override
  public int[] assign(FloatMatrix x, FloatMatrix codebook, AssignmentContext context) {
    return NearestCodes.assign(x, new PackedRows(codebook), DistanceKernels.get(), null);
  }

  @Override
  public String describe() {
    return "nearest";
  }
}
