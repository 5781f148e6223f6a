package io.distok.quant;

import io.distok.util.FloatMatrix;

import io.distok.quant.kernel.DistanceKernel;
import io.distok.quant.kernel.DistanceKernels;
import io.distok.quant.kernel.PackedRows;
import java.util.List;

/**
 * Look-up-table scoring of additive codes (RQ, and AQ later), whose decoded vector is the sum of one full-
 * dimensional codeword per position: {@code ||q - sum_j c_j||^2 = ||q||^2 - 2 sum_j <q, c_j> + sum_j ||c_j||^2
 * + 2 sum_{j<l} <c_j, c_l>}. The query part is one table of inner products per position, O(d sum K_j) to build;
 * the item's squared norm comes from the codes through the model's {@link CrossTerms}, so an item costs
 * O(m^2) table reads and no vector. Sums run in double.
 */
public final class AdditiveCodeScorer implements LookupTableScorer {
  private final float queryNorm;
  private final float[][] dots;
  private final CrossTerms cross;

  /**
   * Builds the query tables.
   *
   * @param codebooks the positions' codebooks, all of the query's dimension
   * @param cross the codebooks' norms and cross inner products (from {@link CrossTerms#of})
   */
  public AdditiveCodeScorer(List<FloatMatrix> codebooks, CrossTerms cross, float[] query) {
    DistanceKernel kernel = DistanceKernels.get();
    int d = query.length;
    if (codebooks.size() != cross.m) {
      throw new IllegalArgumentException(codebooks.size() + " codebooks but cross terms of " + cross.m);
    }
    double qn = 0;
    for (float v : query) {
      qn += (double) v * v;
    }
    this.queryNorm = (float) qn;
    this.dots = new float[codebooks.size()][];
    for (int j = 0; j < codebooks.size(); j++) {
      FloatMatrix b = codebooks.get(j);
      if (b.cols() != d) {
        throw new IllegalArgumentException("codebook " + j + " has dimension " + b.cols() + ", query " + d);
      }
      float[] t = new float[b.rows()];
      kernel.dots(query, 0, cross.packed(j), t);
      dots[j] = t;
    }
    this.cross = cross;
  }

  @Override
  public float squaredDistance(Codes codes, int row) {
    double s = queryNorm + cross.squaredNorm(codes, row);
    for (int j = 0; j < dots.length; j++) {
      s -= 2.0 * dots[j][codes.get(row, j)];
    }
    return (float) Math.max(0, s);
  }

  @Override
  public float innerProduct(Codes codes, int row) {
    double s = 0;
    for (int j = 0; j < dots.length; j++) {
      s += dots[j][codes.get(row, j)];
    }
    return (float) s;
  }

  @Override
  public float contribution(int j, int code) {
    return cross.norm(j, code) - 2f * dots[j][code];
  }

  @Override
  public int size(int j) {
    return dots[j].length;
  }

  /**
   * The squared L2 distance between the query and the sum of position 0's codeword {@code code0} and position 1's
   * codeword {@code code1}: the query's distance to a two-level prefix of a residual code, as an inverted file over
   * (level 1, level 2) cells ranks its cells. O(1) from the tables.
   *
   * @throws IllegalArgumentException if the codes have fewer than two positions
   */
  public float prefixSquaredDistance(int code0, int code1) {
    if (dots.length < 2) {
      throw new IllegalArgumentException("a two-level prefix of codes of " + dots.length + " position");
    }
    double s = queryNorm + cross.norm(0, code0) + cross.norm(1, code1) + 2.0 * cross.inner(0, 1, code0, code1)
        - 2.0 * dots[0][code0] - 2.0 * dots[1][code1];
    return (float) Math.max(0, s);
  }

  /**
   * The query-independent tables of additive codes: each codeword's squared norm and, for every pair of
   * positions {@code j < l}, the K_j x K_l inner products of their codewords. Memory {@code O(sum_{j<l} K_j K_l)} floats
   * (3 levels of 256 codes: 196,608 floats); built once per model in {@code O(d sum_{j<l} K_j K_l)}.
   */
  public static final class CrossTerms {
    private final List<PackedRows> packed;
    private final float[][] norms;
    /** pair (j, l), {@code j < l}, at index j * m + l: row-major K_j x K_l inner products. */
    private final float[][] pairs;
    private final int m;

    private CrossTerms(List<PackedRows> packed, float[][] norms, float[][] pairs, int m) {
      this.packed = packed;
      this.norms = norms;
      this.pairs = pairs;
      this.m = m;
    }

    /** Computes the tables of {@code codebooks}. */
    public static CrossTerms of(List<FloatMatrix> codebooks) {
      return of(codebooks, codebooks.stream().map(PackedRows::new).toList());
    }

    /** Computes the tables of {@code codebooks}, given them already packed (the model's own packing). */
    public static CrossTerms of(List<FloatMatrix> codebooks, List<PackedRows> packed) {
      if (packed.size() != codebooks.size()) {
        throw new IllegalArgumentException(packed.size() + " packed codebooks for " + codebooks.size());
      }
      DistanceKernel kernel = DistanceKernels.get();
      int m = codebooks.size();
      float[][] norms = new float[m][];
      float[][] pairs = new float[m * m][];
      for (int j = 0; j < m; j++) {
        FloatMatrix a = codebooks.get(j);
        norms[j] = new float[a.rows()];
        for (int c = 0; c < a.rows(); c++) {
          norms[j][c] = packed.get(j).norm(c);
        }
        for (int l = j + 1; l < m; l++) {
          int kl = codebooks.get(l).rows();
          float[] t = new float[a.rows() * kl];
          float[] row = new float[kl];
          for (int c = 0; c < a.rows(); c++) {
            kernel.dots(a.data(), a.offset(c), packed.get(l), row);
            System.arraycopy(row, 0, t, c * kl, kl);
          }
          pairs[j * m + l] = t;
        }
      }
      return new CrossTerms(packed, norms, pairs, m);
    }

    PackedRows packed(int j) {
      return packed.get(j);
    }

    /** Squared norm of codeword {@code code} of position {@code j}. */
    public float norm(int j, int code) {
      return norms[j][code];
    }

    /** Inner product of codeword {@code cj} of position {@code j} and codeword {@code cl} of position {@code l > j}. */
    public float inner(int j, int l, int cj, int cl) {
      if (l <= j) {
        throw new IllegalArgumentException("positions " + j + " and " + l + ": the second must come after the first");
      }
      return pairs[j * m + l][cj * norms[l].length + cl];
    }

    /** Squared norm of the decoded vector of row {@code row} of {@code codes}, O(m^2). */
    public double squaredNorm(Codes codes, int row) {
      double s = 0;
      for (int j = 0; j < m; j++) {
        int cj = codes.get(row, j);
        s += norms[j][cj];
        for (int l = j + 1; l < m; l++) {
          s += 2.0 * pairs[j * m + l][cj * norms[l].length + codes.get(row, l)];
        }
      }
      return s;
    }
  }
}
