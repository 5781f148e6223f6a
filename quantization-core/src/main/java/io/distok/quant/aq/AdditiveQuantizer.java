package io.distok.quant.aq;

import io.distok.quant.AdditiveCodeScorer;
import io.distok.quant.CodeLayout;
import io.distok.quant.Codes;
import io.distok.quant.ExplicitCodebooks;
import io.distok.quant.Quantizer;
import io.distok.quant.QueryScorer;
import io.distok.util.FloatMatrix;
import io.distok.util.Parallel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Additive quantization, LSQ-style (Martinez et al., "LSQ++", ECCV 2018): M codebooks of K = 2^nbits full-dimensional
 * codewords whose sum approximates the vector, as faiss's {@code LocalSearchQuantizer}. Unlike RQ the codebooks are
 * not nested: any code of one position can combine with any of another, and encoding is a search, by {@link
 * LocalSearchEncoder} (a beam-search start, then {@code encode_ils_iters} rounds of {@code icm_iters} ICM sweeps with
 * {@code nperts} perturbations).
 *
 * <p>Cost: building the model's search tables O(M^2 K^2 d) once, M^2 K^2 floats (16 MB for 8 x 256); encoding
 * O(M K d + encode_beam M^2 K + encode_ils_iters icm_iters M^2 K) per row (ICM's cost
 * updates are O(M K) per changed code, so converged rows cost less); decoding O(M d) per row; query scoring by inner-product
 * tables plus the codewords' cross terms ({@link AdditiveCodeScorer}), O(M^2) per item. Immutable and thread-safe;
 * encoding is parallel over rows and deterministic whatever the thread count.
 */
public final class AdditiveQuantizer implements Quantizer, ExplicitCodebooks {
  private final List<FloatMatrix> codebooks;
  private final int beam;
  private final int encodeIlsIters;
  private final int icmIters;
  private final int nperts;
  private final long seed;
  private final Map<String, Object> trainParameters;
  private final CodeLayout layout;
  /** The stored norm's values, or null when the norm comes from the codes' cross terms. */
  private final NormCodebook norms;
  private volatile LocalSearchEncoder encoder;
  private volatile AdditiveCodeScorer.CrossTerms cross;

  /**
   * A model from its codebooks and encoding parameters.
   *
   * @param codebooks M matrices of K x d, K a power of two
   * @param seed of the encoder's perturbations
   * @param trainParameters the training parameters to report with the model (may be empty)
   * @param normValues ascending values of the stored squared norm (2^normBits of them), appended to each code as one
   *     more position; null to store no norm
   * @throws IllegalArgumentException if the codebooks differ in shape, hold a non-finite value, or a parameter is
   *     out of range
   */
  public AdditiveQuantizer(List<FloatMatrix> codebooks, int beam, int encodeIlsIters, int icmIters, int nperts,
      long seed, Map<String, Object> trainParameters, float[] normValues) {
    if (codebooks.isEmpty()) {
      throw new IllegalArgumentException("AQ needs at least one codebook");
    }
    int k = codebooks.get(0).rows();
    int d = codebooks.get(0).cols();
    if (Integer.bitCount(k) != 1 || k < 2) {
      throw new IllegalArgumentException("AQ codebooks must have 2^nbits rows, got " + k);
    }
    for (FloatMatrix b : codebooks) {
      if (b.rows() != k || b.cols() != d) {
        throw new IllegalArgumentException("AQ codebooks must all be " + k + " x " + d);
      }
      b.requireFinite("AQ codebook");
    }
    if (beam < 1 || encodeIlsIters < 1 || icmIters < 1 || nperts < 0 || nperts > codebooks.size()) {
      throw new IllegalArgumentException("encode_beam, encode_ils_iters and icm_iters must be >= 1 and nperts in "
          + "[0, M]");
    }
    this.beam = beam;
    this.codebooks = codebooks.stream().map(FloatMatrix::copy).toList();
    this.encodeIlsIters = encodeIlsIters;
    this.icmIters = icmIters;
    this.nperts = nperts;
    this.seed = seed;
    this.trainParameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(trainParameters));
    this.norms = normValues == null ? null : new NormCodebook(normValues);
    if (norms != null && Integer.bitCount(norms.size()) != 1) {
      throw new IllegalArgumentException("the stored norm needs 2^normBits values, got " + norms.size());
    }
    long[] sizes = new long[codebooks.size() + (norms == null ? 0 : 1)];
    java.util.Arrays.fill(sizes, k);
    if (norms != null) {
      sizes[codebooks.size()] = norms.size();
    }
    this.layout = CodeLayout.of(sizes);
  }

  /** The same codebooks and encoding with a stored norm of these values (null: none). */
  AdditiveQuantizer withNorms(float[] normValues) {
    return new AdditiveQuantizer(codebooks, beam, encodeIlsIters, icmIters, nperts, seed, trainParameters,
        normValues);
  }

  /** The stored norm's values, ascending, or null when codes carry no norm. */
  public float[] normValues() {
    return norms == null ? null : norms.values();
  }

  /** The same codebooks with other encoding parameters. */
  public AdditiveQuantizer withEncoding(int beam, int encodeIlsIters, int icmIters, int nperts) {
    return new AdditiveQuantizer(codebooks, beam, encodeIlsIters, icmIters, nperts, seed, trainParameters,
        normValues());
  }

  /** Beam width of the search's starting code. */
  public int beam() {
    return beam;
  }

  LocalSearchEncoder encoder() {
    LocalSearchEncoder e = encoder;
    if (e == null) {
      synchronized (this) {
        if (encoder == null) {
          encoder = new LocalSearchEncoder(codebooks);
        }
        e = encoder;
      }
    }
    return e;
  }

  /** M, the number of codebooks. */
  public int m() {
    return codebooks.size();
  }

  /** nbits, the bits of each code. */
  public int nbits() {
    return Integer.numberOfTrailingZeros(codebooks.get(0).rows());
  }

  /** ILS rounds per encoded row. */
  public int encodeIlsIters() {
    return encodeIlsIters;
  }

  /** ICM sweeps per ILS round. */
  public int icmIters() {
    return icmIters;
  }

  /** Positions perturbed per ILS round. */
  public int nperts() {
    return nperts;
  }

  /** Seed of the encoder's perturbations. */
  public long seed() {
    return seed;
  }

  @Override
  public List<FloatMatrix> codebooks() {
    return codebooks.stream().map(FloatMatrix::copy).toList();
  }

  @Override
  public String method() {
    return "aq";
  }

  @Override
  public int dimension() {
    return codebooks.get(0).cols();
  }

  @Override
  public CodeLayout layout() {
    return layout;
  }

  @Override
  public Map<String, Object> parameters() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("M", m());
    p.put("nbits", nbits());
    p.put("norm_bits", norms == null ? 0 : Integer.numberOfTrailingZeros(norms.size()));
    p.putAll(trainParameters);
    p.put("encode_beam", beam);
    p.put("encode_ils_iters", encodeIlsIters);
    p.put("icm_iters", icmIters);
    p.put("nperts", nperts);
    p.put("encode_seed", seed);
    return p;
  }

  @Override
  public Codes encode(FloatMatrix x) {
    requireCompatible(x, "input");
    Codes codes = encodeFrom(x, null, encodeIlsIters);
    if (norms == null) {
      return codes;
    }
    int m = m();
    double[] sq = squaredNorms(codes);
    Codes out = new Codes(x.rows(), m + 1);
    for (int i = 0; i < x.rows(); i++) {
      for (int a = 0; a < m; a++) {
        out.set(i, a, codes.get(i, a));
      }
      out.set(i, m, norms.code(sq[i]));
    }
    return out;
  }

  /** {@code ||x^||^2} of each row's decoded vector (the first M positions of {@code codes}), in double. O(n M d). */
  double[] squaredNorms(Codes codes) {
    int d = dimension();
    double[] out = new double[codes.rows()];
    Parallel.forEachChunk(codes.rows(), Parallel.DEFAULT_CHUNK, (chunk, from, to) -> {
      float[] row = new float[d];
      for (int i = from; i < to; i++) {
        java.util.Arrays.fill(row, 0);
        addCodewords(codes, i, row, 0);
        double s = 0;
        for (float v : row) {
          s += (double) v * v;
        }
        out[i] = s;
      }
    });
    return out;
  }

  /**
   * Codes of {@code x} by local search from {@code start} (n x M row-major; null starts from the greedy code),
   * with {@code ilsIters} rounds. Used by training, which continues from the previous codes.
   */
  Codes encodeFrom(FloatMatrix x, int[] start, int ilsIters) {
    return encodeFrom(x, start, ilsIters, null);
  }

  /**
   * As {@link #encodeFrom(FloatMatrix, int[], int)}, leaving in {@code objectives} (when not null) each row's final
   * search objective, its squared error less {@code ||x||^2}, which the search computes anyway.
   */
  Codes encodeFrom(FloatMatrix x, int[] start, int ilsIters, double[] objectives) {
    int n = x.rows();
    int m = m();
    int[] out = start == null ? new int[n * m] : start.clone();
    LocalSearchEncoder enc = encoder();
    Parallel.forEachChunk(n, Parallel.DEFAULT_CHUNK / 4, (chunk, from, to) -> {
      LocalSearchEncoder.Scratch s = enc.scratch(beam);
      int mk = m * (1 << nbits());
      float[] unaries = new float[LocalSearchEncoder.UNARY_BLOCK * mk];
      for (int i = from; i < to; i++) {
        int r = (i - from) % LocalSearchEncoder.UNARY_BLOCK;
        if (r == 0) {
          enc.unaryRows(x.data(), i, Math.min(to, i + LocalSearchEncoder.UNARY_BLOCK), unaries);
        }
        System.arraycopy(unaries, r * mk, s.unary, 0, mk);
        if (start == null) {
          enc.beam(s, out, i * m, beam);
        }
        double obj = enc.search(s, out, i * m, ilsIters, icmIters, nperts, enc.rowRandom(x.data(), x.offset(i),
            seed));
        if (objectives != null) {
          objectives[i] = obj;
        }
      }
    });
    return Codes.wrap(out, n, m);
  }

  @Override
  public FloatMatrix decode(Codes codes) {
    requireValidCodes(codes); // the stored norm, if any, is the last position and does not enter the vector
    FloatMatrix out = new FloatMatrix(codes.rows(), dimension());
    Parallel.forEachChunk(codes.rows(), Parallel.DEFAULT_CHUNK, (chunk, from, to) -> {
      for (int i = from; i < to; i++) {
        addCodewords(codes, i, out.data(), out.offset(i));
      }
    });
    return out;
  }

  /** Adds row {@code i}'s M codewords to {@code out[offset .. offset + d)}, codebook 0 first. O(M d). */
  private void addCodewords(Codes codes, int i, float[] out, int offset) {
    int d = dimension();
    for (int a = 0; a < codebooks.size(); a++) {
      FloatMatrix b = codebooks.get(a);
      int base = b.offset(codes.get(i, a));
      for (int t = 0; t < d; t++) {
        out[offset + t] += b.data()[base + t];
      }
    }
  }

  /**
   * Scores from codes alone: with a stored norm O(M) per item ({@code ||q||^2 - 2 sum <q, c_m> + norm}), else O(M^2)
   * from the codebooks' cross terms. The query tables cost O(M K d).
   */
  @Override
  public QueryScorer scorer(float[] query) {
    float[] q = QueryScorer.requireQuery(this, query);
    if (norms != null) {
      return new StoredNormScorer(q);
    }
    AdditiveCodeScorer.CrossTerms c = cross;
    if (c == null) {
      c = AdditiveCodeScorer.CrossTerms.of(codebooks);
      cross = c;
    }
    return new AdditiveCodeScorer(codebooks, c, q);
  }

  /** Inner-product tables plus the stored norm. */
  private final class StoredNormScorer implements io.distok.quant.LookupTableScorer {
    private final double queryNorm;
    private final float[][] dots;

    /** Tables of a query already checked by {@link QueryScorer#requireQuery}. */
    StoredNormScorer(float[] query) {
      double qn = 0;
      for (float v : query) {
        qn += (double) v * v;
      }
      queryNorm = qn;
      LocalSearchEncoder enc = encoder();
      dots = new float[m()][];
      for (int a = 0; a < m(); a++) {
        dots[a] = enc.dots(query, a);
      }
    }

    @Override
    public float squaredDistance(Codes codes, int row) {
      double s = queryNorm + norms.value(codes.get(row, m()));
      for (int a = 0; a < dots.length; a++) {
        s -= 2.0 * dots[a][codes.get(row, a)];
      }
      return (float) Math.max(0, s);
    }

    @Override
    public float innerProduct(Codes codes, int row) {
      double s = 0;
      for (int a = 0; a < dots.length; a++) {
        s += dots[a][codes.get(row, a)];
      }
      return (float) s;
    }

    @Override
    public float contribution(int j, int code) {
      if (j == m()) {
        return norms.value(code);
      }
      return encoder().norm(j, code) - 2f * dots[j][code];
    }

    @Override
    public int size(int j) {
      return (int) layout.size(j);
    }
  }

  /** The codebooks as a list of copies, for the family's state. */
  List<FloatMatrix> state() {
    return new ArrayList<>(codebooks);
  }
}
