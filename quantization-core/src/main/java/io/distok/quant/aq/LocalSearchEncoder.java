package io.distok.quant.aq;

import io.distok.quant.kernel.DistanceKernel;
import io.distok.quant.kernel.DistanceKernels;
import io.distok.quant.kernel.PackedRows;
import io.distok.util.FloatMatrix;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Encoding for additive codes by iterated local search (LSQ, Martinez et al. 2016/2018): the squared error of a
 * code tuple b is, up to {@code ||x||^2}, the sum of unary terms {@code U[m][k] = ||c_mk||^2 - 2 <x, c_mk>} and pair
 * terms {@code 2 <c_mb_m, c_m'b_m'>}; iterated conditional modes (ICM) sets one position at a time to its best code
 * given the others, and each ILS round first perturbs {@code nperts} random positions to random codes, runs {@code
 * icm_iters} ICM sweeps and keeps the result only if its error is lower. The search starts from the greedy residual
 * code of the same codebooks (RQ's encoding), so its error never exceeds RQ's.
 *
 * <p>Memory: the pair table, {@code M^2 K^2} floats (8 x 256: 16 MB), built once in O(M^2 K^2 d). Cost per row:
 * O(M K d) for the unary terms and O(ils_iters icm_iters M^2 K) for the search. The random perturbations of a row
 * are drawn from a generator seeded by the row's values and the given seed, so a vector's code does not depend on
 * its position in a batch nor on the thread count. Instances are immutable and thread-safe; per-row scratch lives
 * in {@link Scratch}.
 */
final class LocalSearchEncoder {
  private final int m;
  private final int k;
  private final int d;
  private final List<PackedRows> packed;
  private final float[][] norms;
  /**
   * The pair terms, one contiguous row of M K floats per (position b, code i): {@code pairs[(b * k + i) * mk + a * k
   * + j] = 2 <c_b,i, c_a,j>} for a != b, 0 for a == b. Position a's costs follow a change of position b through
   * two contiguous segments of K floats.
   */
  private final float[] pairs;
  private final int mk;
  private final DistanceKernel kernel = DistanceKernels.get();

  /** Per-thread working arrays of one row's search. */
  static final class Scratch {
    final float[] unary;
    final float[] cost;
    /** costs[a * k + j]: the error change of code j at position a given the other positions at the codes in seen. */
    final float[] costs;
    /** seen[a * M + b]: the code of position b that position a's costs reflect. */
    final int[] seen;
    final int[] saved;
    final int[] beamCodes;
    final int[] nextCodes;
    final double[] beamScores;
    final double[] nextScores;
    /** The kept candidates of the position being extended: parent beam and code. */
    final int[] parents;
    final int[] choices;
    /** Codes that pass the beam's filter. */
    final int[] hits;

    Scratch(int m, int k, int beam) {
      unary = new float[m * k];
      cost = new float[k];
      costs = new float[m * k];
      seen = new int[m * m];
      saved = new int[m];
      beamCodes = new int[beam * m];
      nextCodes = new int[beam * m];
      beamScores = new double[beam];
      nextScores = new double[beam];
      parents = new int[beam];
      choices = new int[beam];
      hits = new int[k];
    }
  }

  LocalSearchEncoder(List<FloatMatrix> codebooks) {
    this.m = codebooks.size();
    this.k = codebooks.get(0).rows();
    this.d = codebooks.get(0).cols();
    this.packed = codebooks.stream().map(PackedRows::new).toList();
    this.norms = new float[m][k];
    for (int a = 0; a < m; a++) {
      for (int i = 0; i < k; i++) {
        norms[a][i] = packed.get(a).norm(i);
      }
    }
    this.mk = m * k;
    this.pairs = new float[mk * mk];
    float[] row = new float[k];
    for (int b = 0; b < m; b++) {
      FloatMatrix cb = codebooks.get(b);
      for (int i = 0; i < k; i++) {
        int base = (b * k + i) * mk;
        for (int a = 0; a < m; a++) {
          if (a == b) {
            continue;
          }
          kernel.dots(cb.data(), cb.offset(i), packed.get(a), row);
          for (int j = 0; j < k; j++) {
            pairs[base + a * k + j] = 2f * row[j];
          }
        }
      }
    }
  }

  Scratch scratch(int beam) {
    return new Scratch(m, k, beam);
  }

  /** Inner products of {@code query} with codebook {@code a}'s codewords. O(K d). */
  float[] dots(float[] query, int a) {
    float[] out = new float[k];
    kernel.dots(query, 0, packed.get(a), out);
    return out;
  }

  /** Squared norm of codeword {@code code} of codebook {@code a}. */
  float norm(int a, int code) {
    return norms[a][code];
  }

  /** Fills the unary terms of row {@code row} of {@code x}. O(M K d). */
  void unary(FloatMatrix x, int row, Scratch s) {
    unaryRows(x.data(), row, row + 1, s.unary);
  }

  /**
   * The unary terms of the rows {@code [from, to)} of the row-major {@code x} into {@code out[(i - from) * M K ..]},
   * each product summed in dimension order as the one-query kernel sums it; the blocked kernel shares each loaded
   * codeword among several rows.
   * O((to - from) M K d).
   */
  void unaryRows(float[] x, int from, int to, float[] out) {
    for (int a = 0; a < m; a++) {
      kernel.dots(x, from, to, packed.get(a), 0, k, out, a * k, mk);
    }
    for (int r = 0; r < to - from; r++) {
      for (int a = 0; a < m; a++) {
        int base = r * mk + a * k;
        for (int i = 0; i < k; i++) {
          out[base + i] = norms[a][i] - 2f * out[base + i];
        }
      }
    }
  }

  /** Rows per block of {@link #unaryRows}. */
  static final int UNARY_BLOCK = 16;

  /** The greedy residual code (position by position, each the best given the ones before). O(M^2 K). */
  void greedy(Scratch s, int[] codes, int codesOffset) {
    for (int a = 0; a < m; a++) {
      float[] cost = s.cost;
      System.arraycopy(s.unary, a * k, cost, 0, k);
      for (int b = 0; b < a; b++) {
        addRow(cost, pairRow(b, codes[codesOffset + b]) + a * k);
      }
      codes[codesOffset + a] = argmin(cost, 0, k);
    }
  }

  /** The error of {@code codes} less {@code ||x||^2}, from the unary and pair terms, summed in double. */
  double objective(Scratch s, int[] codes, int offset) {
    double obj = 0;
    for (int a = 0; a < m; a++) {
      int ca = codes[offset + a];
      obj += s.unary[a * k + ca];
      for (int b = a + 1; b < m; b++) {
        obj += pairs[pairRow(a, ca) + b * k + codes[offset + b]];
      }
    }
    return obj;
  }

  /**
   * Beam search over the positions in order, keeping the {@code beam} best partial codes (RQ's beam search on the
   * additive codebooks; beam 1 is the greedy residual code). Ties go to the earlier beam, then the smaller code.
   * O(beam M^2 K): once the beam is full, a vector compare against the worst kept score finds the few codes of a
   * partial code that can still enter, and only those are tested exactly and inserted. Leaves the best code in
   * {@code codes[offset..)}.
   */
  void beam(Scratch s, int[] codes, int offset, int beam) {
    if (beam <= 1) {
      greedy(s, codes, offset);
      return;
    }
    int live = 1;
    s.beamScores[0] = 0;
    for (int a = 0; a < m; a++) {
      int kept = 0;
      for (int b = 0; b < live; b++) {
        float[] cost = s.cost;
        System.arraycopy(s.unary, a * k, cost, 0, k);
        for (int p = 0; p < a; p++) {
          addRow(cost, pairRow(p, s.beamCodes[b * m + p]) + a * k);
        }
        double base = s.beamScores[b];
        int j = 0;
        for (; j < k && kept < beam; j++) {
          kept = insert(s, kept, beam, base + cost[j], b, j);
        }
        if (j == k) {
          continue;
        }
        // score < worst holds only if cost <= worst - base up to rounding; the float limit is widened so that the
        // filter never drops a code the exact test would keep
        double worst = s.nextScores[beam - 1];
        double gap = worst - base + 4 * (Math.ulp(worst) + Math.ulp(base) + Math.ulp(worst - base));
        float limit = Math.nextUp(Math.nextUp((float) gap));
        int found = kernel.atMost(cost, j, k - j, limit, s.hits);
        for (int h = 0; h < found; h++) {
          int code = j + s.hits[h];
          double score = base + cost[code];
          if (score < s.nextScores[beam - 1]) {
            insert(s, beam, beam, score, b, code);
          }
        }
      }
      for (int c = 0; c < kept; c++) {
        System.arraycopy(s.beamCodes, s.parents[c] * m, s.nextCodes, c * m, a);
        s.nextCodes[c * m + a] = s.choices[c];
      }
      live = kept;
      System.arraycopy(s.nextScores, 0, s.beamScores, 0, live);
      System.arraycopy(s.nextCodes, 0, s.beamCodes, 0, live * m);
    }
    System.arraycopy(s.beamCodes, 0, codes, offset, m);
  }

  /**
   * Inserts the candidate (score, parent beam, code) into the sorted kept list, after any equal score; a full list
   * drops its last entry. Returns the new list length.
   */
  private static int insert(Scratch s, int kept, int beam, double score, int parent, int code) {
    int at = kept == beam ? beam - 1 : kept++;
    while (at > 0 && s.nextScores[at - 1] > score) {
      s.nextScores[at] = s.nextScores[at - 1];
      s.parents[at] = s.parents[at - 1];
      s.choices[at] = s.choices[at - 1];
      at--;
    }
    s.nextScores[at] = score;
    s.parents[at] = parent;
    s.choices[at] = code;
    return kept;
  }

  /** Fills {@code s.costs} for {@code codes} and records the codes they reflect: O(M^2 K). */
  private void initCosts(Scratch s, int[] codes, int offset) {
    System.arraycopy(s.unary, 0, s.costs, 0, mk);
    for (int a = 0; a < m; a++) {
      for (int b = 0; b < m; b++) {
        if (b != a) {
          int code = codes[offset + b];
          addRow(s.costs, a * k, pairRow(b, code) + a * k);
          s.seen[a * m + b] = code;
        }
      }
    }
  }

  /**
   * Brings position {@code a}'s costs up to the current codes of the other positions: for each position whose code
   * differs from the one the costs reflect, one pair segment out and one in. O(changed positions x K).
   */
  private void refresh(Scratch s, int a, int[] codes, int offset) {
    float[] costs = s.costs;
    int at = a * k;
    for (int b = 0; b < m; b++) {
      int now = codes[offset + b];
      int was = s.seen[a * m + b];
      if (b == a || now == was) {
        continue;
      }
      int in = pairRow(b, now) + at;
      int out = pairRow(b, was) + at;
      for (int j = 0; j < k; j++) {
        costs[at + j] += pairs[in + j] - pairs[out + j];
      }
      s.seen[a * m + b] = now;
    }
  }

  /** Offset of the pair row of code {@code code} at position {@code b}. */
  private int pairRow(int b, int code) {
    return (b * k + code) * mk;
  }

  /** The pair term {@code 2 <c_b,i, c_a,j>} (0 for a == b). */
  float pair(int b, int i, int a, int j) {
    return pairs[pairRow(b, i) + a * k + j];
  }

  /** {@code sweeps} ICM sweeps over the positions of {@code codes} in place; each visit refreshes its costs first. */
  private void icm(Scratch s, int[] codes, int offset, int sweeps) {
    for (int it = 0; it < sweeps; it++) {
      boolean moved = false;
      for (int a = 0; a < m; a++) {
        refresh(s, a, codes, offset);
        int best = argmin(s.costs, a * k, k);
        int old = codes[offset + a];
        if (best != old && s.costs[a * k + best] < s.costs[a * k + old]) {
          codes[offset + a] = best;
          moved = true;
        }
      }
      if (!moved) {
        break; // a fixed point: further sweeps change nothing
      }
    }
  }

  /**
   * Iterated local search from {@code codes[offset..offset+M)} (left there, improved): round 0 is ICM from the
   * start, each later round perturbs {@code nperts} positions first and is kept only if its error, computed exactly
   * from the terms, is lower. A position's costs are updated lazily, when ICM visits it, from the codes that changed
   * since its last visit: a perturbation that ICM undoes, or a rejected round, then costs nothing, and the M^2 K^2
   * pair table is read K floats per changed position and visit. Returns the final objective.
   */
  double search(Scratch s, int[] codes, int offset, int ilsIters, int icmIters, int nperts, SplittableRandom rng) {
    initCosts(s, codes, offset);
    double best = objective(s, codes, offset);
    for (int round = 0; round < ilsIters; round++) {
      System.arraycopy(codes, offset, s.saved, 0, m);
      if (round > 0) {
        for (int p = 0; p < nperts; p++) {
          int a = rng.nextInt(m);
          codes[offset + a] = rng.nextInt(k);
        }
      }
      icm(s, codes, offset, icmIters);
      double obj = objective(s, codes, offset);
      if (obj < best) {
        best = obj;
      } else {
        System.arraycopy(s.saved, 0, codes, offset, m);
      }
    }
    return best;
  }

  /** A generator for one row: a function of its values and {@code seed} only. */
  SplittableRandom rowRandom(float[] x, int offset, long seed) {
    long h = seed * 0x9E3779B97F4A7C15L;
    for (int t = 0; t < d; t++) {
      h = (h ^ Float.floatToIntBits(x[offset + t])) * 0xBF58476D1CE4E5B9L;
      h ^= h >>> 31;
    }
    return new SplittableRandom(h);
  }

  private void addRow(float[] cost, int base) {
    addRow(cost, 0, base);
  }

  private void addRow(float[] cost, int at, int base) {
    for (int j = 0; j < k; j++) {
      cost[at + j] += pairs[base + j];
    }
  }

  private int argmin(float[] v, int from, int count) {
    return kernel.argmin(v, from, count);
  }
}
