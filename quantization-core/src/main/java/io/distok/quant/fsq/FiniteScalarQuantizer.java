package io.distok.quant.fsq;

import io.distok.quant.CodeLayout;
import io.distok.quant.Codes;
import io.distok.quant.ImplicitCodebook;
import io.distok.quant.Quantizer;
import io.distok.quant.kernel.DistanceKernel;
import io.distok.quant.kernel.DistanceKernels;
import io.distok.quant.kernel.PackedRows;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.Parallel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finite scalar quantization (Mentzer et al. 2023, "Finite Scalar Quantization: VQ-VAE Made Simple"): each of the
 * {@code dims} input dimensions is bounded ({@link Bound#TANH} or {@link Bound#CLAMP}) and rounded to one of
 * {@code L_t} levels; the code of a group of dimensions is the mixed-radix number of its levels (dimension 0 least
 * significant), so the implicit codebook of a group has {@code prod L_t} codewords, none of them stored. The
 * codeword of an index is computed from its digits: level {@code q} of dimension t reconstructs as {@code
 * value[t][q]}, the mean of the training values rounded to it (the closed-form stand-in for FSQ's decoder).
 *
 * <p>State: per dimension a center, a scale and {@code L_t} values, O(sum L_t) floats whatever the codebook size (16
 * dimensions of 4 levels, 2^32 codes, keep 96 floats). Encoding compares each value with its dimension's {@code
 * L_t - 1} level boundaries, O(sum L_t) per row with no transcendental function; decoding is O(dims) per row.
 * Immutable and thread-safe; encoding is parallel over rows and deterministic.
 */
public final class FiniteScalarQuantizer implements Quantizer, ImplicitCodebook {
  /** Largest implicit codebook of one code position: its index must fit a non-negative {@code long}. */
  public static final long MAX_GROUP_SIZE = 1L << 62;

  /** The bounding function applied before rounding, as the paper's {@code f(z)}. */
  public enum Bound {
    /** {@code tanh(z / s)}: levels denser near the center, as in the paper. */
    TANH("tanh"),
    /** {@code clamp(z / s, -1, 1)}: evenly spaced levels. */
    CLAMP("clamp");

    private final String label;

    Bound(String label) {
      this.label = label;
    }

    /** The name on the command line and in saved models. */
    public String label() {
      return label;
    }

    /** The bound named {@code label}. */
    public static Bound of(String label) {
      for (Bound b : values()) {
        if (b.label.equals(label)) {
          return b;
        }
      }
      throw new InvalidInputException("unknown FSQ bound '" + label + "'; known: tanh, clamp");
    }

    /** Bounded value of {@code y} in [-1, 1]. */
    double apply(double y) {
      return this == TANH ? StrictMath.tanh(y) : Math.max(-1, Math.min(1, y));
    }

    /** The y whose bounded value is {@code u} in (-1, 1). */
    double inverse(double u) {
      return this == TANH ? 0.5 * StrictMath.log((1 + u) / (1 - u)) : u;
    }
  }

  private final int[] levels;
  private final int[] groupStarts;
  private final Bound bound;
  private final float[] center;
  private final float[] scale;
  private final float[][] values;
  /** thresholds[t][q]: the smallest value rounded to level q + 1 of dimension t. */
  private final float[][] thresholds;
  /**
   * Every dimension's boundaries in one table for {@link DistanceKernel#bucketize} ({@code [q * stride + t]},
   * +infinity where a dimension has fewer), or null when some dimension has more than {@link #TABLE_STEPS} levels
   * and a binary search per value is cheaper.
   */
  private final float[] table;
  private final int tableSteps;
  private final int tableStride;
  /** place[t]: the weight of dimension t's level in its position's mixed-radix index. */
  private final long[] place;
  private final CodeLayout layout;

  /** Most boundaries per dimension searched through the kernel's table; more go by binary search. */
  static final int TABLE_STEPS = 16;

  /**
   * A model from its state.
   *
   * @param levels L_t per dimension, each >= 2
   * @param groupStarts first dimension of each code position, starting with 0, increasing
   * @param values {@code values[t]} has {@code levels[t]} finite reconstruction values
   * @throws IllegalArgumentException if the shapes do not fit, a scale is not positive or a group's codebook exceeds
   *     2^62 codes
   */
  public FiniteScalarQuantizer(int[] levels, int[] groupStarts, Bound bound, float[] center, float[] scale,
      float[][] values) {
    int dims = levels.length;
    if (dims == 0 || center.length != dims || scale.length != dims || values.length != dims) {
      throw new IllegalArgumentException("levels, centers, scales and values must have one entry per dimension");
    }
    for (int t = 0; t < dims; t++) {
      if (levels[t] < 2 || levels[t] > 1 << 16) {
        throw new IllegalArgumentException("dimension " + t + " has " + levels[t] + " levels; use 2 to 65536");
      }
      if (!(scale[t] > 0) || !Float.isFinite(scale[t]) || !Float.isFinite(center[t])) {
        throw new IllegalArgumentException("dimension " + t + ": center and scale must be finite, scale > 0");
      }
      if (values[t].length != levels[t]) {
        throw new IllegalArgumentException("dimension " + t + " has " + values[t].length + " values for "
            + levels[t] + " levels");
      }
    }
    if (groupStarts.length == 0 || groupStarts[0] != 0) {
      throw new IllegalArgumentException("the first code position starts at dimension 0");
    }
    long[] sizes = new long[groupStarts.length];
    for (int g = 0; g < groupStarts.length; g++) {
      int end = g + 1 < groupStarts.length ? groupStarts[g + 1] : dims;
      if (end <= groupStarts[g] || end > dims) {
        throw new IllegalArgumentException("code position " + g + " holds no dimension");
      }
      long size = 1;
      for (int t = groupStarts[g]; t < end; t++) {
        if (size > MAX_GROUP_SIZE / levels[t]) {
          throw new IllegalArgumentException("code position " + g + " would have more than 2^62 codes; split the "
              + "levels into more groups");
        }
        size *= levels[t];
      }
      sizes[g] = size;
    }
    this.levels = levels.clone();
    this.groupStarts = groupStarts.clone();
    this.bound = bound;
    this.center = center.clone();
    this.scale = scale.clone();
    this.values = new float[dims][];
    this.thresholds = new float[dims][];
    for (int t = 0; t < dims; t++) {
      this.values[t] = values[t].clone();
      this.thresholds[t] = thresholds(bound, levels[t], center[t], scale[t]);
    }
    this.layout = CodeLayout.of(sizes);
    this.place = new long[dims];
    for (int g = 0; g < groupStarts.length; g++) {
      long weight = 1;
      for (int t = groupStarts[g]; t < groupEnd(g); t++) {
        place[t] = weight;
        weight *= levels[t];
      }
    }
    int steps = 0;
    for (int level : levels) {
      steps = Math.max(steps, level - 1);
    }
    if (steps <= TABLE_STEPS) {
      this.tableSteps = steps;
      this.tableStride = (dims + PackedRows.WIDTH - 1) / PackedRows.WIDTH * PackedRows.WIDTH;
      this.table = new float[steps * tableStride];
      Arrays.fill(table, Float.POSITIVE_INFINITY);
      for (int t = 0; t < dims; t++) {
        for (int q = 0; q < thresholds[t].length; q++) {
          table[q * tableStride + t] = thresholds[t][q];
        }
      }
    } else {
      this.table = null;
      this.tableSteps = 0;
      this.tableStride = 0;
    }
  }

  /**
   * The L - 1 boundaries between the levels of one dimension in input units: level q covers bounded values whose
   * rounding {@code round((u + 1) (L - 1) / 2)} is q, i.e. u in [(2q - 1) / (L - 1) - 1, (2q + 1) / (L - 1) - 1).
   */
  static float[] thresholds(Bound bound, int levels, float center, float scale) {
    float[] th = new float[levels - 1];
    for (int q = 0; q < levels - 1; q++) {
      double u = (2.0 * q + 1) / (levels - 1) - 1;
      th[q] = (float) (center + scale * bound.inverse(u));
    }
    return th;
  }

  /**
   * Level of {@code v} among {@code th} (the number of boundaries at or below it): a branch-free count for the
   * usual few levels, a binary search beyond 16.
   */
  static int level(float[] th, float v) {
    if (th.length <= 16) {
      int q = 0;
      for (float b : th) {
        q += v >= b ? 1 : 0;
      }
      return q;
    }
    int lo = 0;
    int hi = th.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (v >= th[mid]) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Levels per dimension. */
  public int[] levels() {
    return levels.clone();
  }

  /** First dimension of each code position. */
  public int[] groupStarts() {
    return groupStarts.clone();
  }

  /** The bounding function. */
  public Bound bound() {
    return bound;
  }

  /** Center of each dimension (subtracted before scaling). */
  public float[] center() {
    return center.clone();
  }

  /** Scale of each dimension (the input distance that the bound maps to 1). */
  public float[] scale() {
    return scale.clone();
  }

  /** Reconstruction value of each level of dimension {@code t}. */
  public float[] values(int t) {
    return values[t].clone();
  }

  @Override
  public String method() {
    return "fsq";
  }

  @Override
  public int dimension() {
    return levels.length;
  }

  @Override
  public CodeLayout layout() {
    return layout;
  }

  @Override
  public Map<String, Object> parameters() {
    Map<String, Object> p = new LinkedHashMap<>();
    List<Integer> l = new ArrayList<>();
    for (int v : levels) {
      l.add(v);
    }
    p.put("levels", l);
    List<Integer> g = new ArrayList<>();
    for (int v : groupStarts) {
      g.add(v);
    }
    p.put("groupStarts", g);
    p.put("bound", bound.label());
    return p;
  }

  private int groupEnd(int g) {
    return g + 1 < groupStarts.length ? groupStarts[g + 1] : levels.length;
  }

  /**
   * O(n sum L_t): the kernel compares each row's values with every boundary of the table at once (up to {@link
   * #TABLE_STEPS} boundaries per dimension), else O(n dims log L) by binary search; parallel over rows.
   */
  @Override
  public Codes encode(FloatMatrix x) {
    requireCompatible(x, "input");
    int n = x.rows();
    int dims = levels.length;
    int positions = groupStarts.length;
    Codes codes = layout.fitsInt() ? new Codes(n, positions) : Codes.wide(n, positions);
    float[] data = x.data();
    int[] ends = new int[positions];
    for (int g = 0; g < positions; g++) {
      ends[g] = groupEnd(g);
    }
    DistanceKernel kernel = DistanceKernels.get();
    Parallel.forEachChunk(n, Parallel.DEFAULT_CHUNK, (chunk, from, to) -> {
      int[] digits = new int[table != null ? (to - from) * tableStride : dims];
      if (table != null) {
        kernel.bucketize(data, from, to, dims, table, tableSteps, tableStride, digits, 0);
      }
      for (int i = from; i < to; i++) {
        int at = 0;
        if (table != null) {
          at = (i - from) * tableStride;
        } else {
          for (int t = 0; t < dims; t++) {
            digits[t] = level(thresholds[t], data[x.offset(i) + t]);
          }
        }
        for (int g = 0; g < positions; g++) {
          // the mixed-radix number sum q_t prod_{u<t} L_u, as independent products rather than Horner's chain
          long index = 0;
          for (int t = groupStarts[g]; t < ends[g]; t++) {
            index += digits[at + t] * place[t];
          }
          codes.setLong(i, g, index);
        }
      }
    });
    return codes;
  }

  /** O(n dims). */
  @Override
  public FloatMatrix decode(Codes codes) {
    requireValidCodes(codes);
    FloatMatrix out = new FloatMatrix(codes.rows(), levels.length);
    Parallel.forEachChunk(codes.rows(), Parallel.DEFAULT_CHUNK, (chunk, from, to) -> {
      for (int i = from; i < to; i++) {
        for (int g = 0; g < groupStarts.length; g++) {
          codeword(g, codes.getLong(i, g), out.data(), out.offset(i) + groupStarts[g]);
        }
      }
    });
    return out;
  }

  @Override
  public int codewordDimension(int j) {
    return groupEnd(j) - groupStarts[j];
  }

  @Override
  public void codeword(int j, long index, float[] out, int offset) {
    if (j < 0 || j >= groupStarts.length || index < 0 || index >= layout.size(j)) {
      throw new IndexOutOfBoundsException("code " + index + " of position " + j);
    }
    long rest = index;
    for (int t = groupStarts[j]; t < groupEnd(j); t++) {
      int q = (int) (rest % levels[t]);
      rest /= levels[t];
      out[offset + t - groupStarts[j]] = values[t][q];
    }
  }

  /** The level of each dimension in code tuple row {@code row} of {@code codes}, for inspection and tests. */
  public int[] digits(Codes codes, int row) {
    int[] out = new int[levels.length];
    for (int g = 0; g < groupStarts.length; g++) {
      long rest = codes.getLong(row, g);
      for (int t = groupStarts[g]; t < groupEnd(g); t++) {
        out[t] = (int) (rest % levels[t]);
        rest /= levels[t];
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "FiniteScalarQuantizer" + Arrays.toString(levels) + " " + bound.label() + ", " + layout;
  }
}
