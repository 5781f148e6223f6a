package io.distok.quant.aq;

import io.distok.quant.AdditiveCodeScorer;
import io.distok.quant.CodeLayout;
import io.distok.quant.Codes;
import io.distok.quant.ExplicitCodebooks;
import io.distok.quant.Quantizer;
import io.distok.quant.QueryScorer;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
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
  private volatile LocalSearchEncoder encoder;
  private volatile AdditiveCodeScorer.CrossTerms cross;

  /**
   * A model from its codebooks and encoding parameters.
   *
   * @param codebooks M matrices of K x d, K a power of two
   * @param seed of the encoder's perturbations
   * @param trainParameters the training parameters to report with the model (may be empty)
   * @throws IllegalArgumentException if the codebooks differ in shape, hold a non-finite value, or a parameter is
   *     out of range
   */
  public AdditiveQuantizer(List<FloatMatrix> codebooks, int beam, int encodeIlsIters, int icmIters, int nperts,
      long seed, Map<String, Object> trainParameters) {
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
    this.layout = CodeLayout.uniform(codebooks.size(), k);
  }

  /** The same codebooks with other encoding parameters. */
  public AdditiveQuantizer withEncoding(int beam, int encodeIlsIters, int icmIters, int nperts) {
    return new AdditiveQuantizer(codebooks, beam, encodeIlsIters, icmIters, nperts, seed, trainParameters);
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
    return encodeFrom(x, null, encodeIlsIters);
  }

  /**
   * Codes of {@code x} by local search from {@code start} (n x M row-major; null starts from the greedy code),
   * with {@code ilsIters} rounds. Used by training, which continues from the previous codes.
   */
  Codes encodeFrom(FloatMatrix x, int[] start, int ilsIters) {
    int n = x.rows();
    int m = m();
    int[] out = start == null ? new int[n * m] : start.clone();
    LocalSearchEncoder enc = encoder();
    Parallel.forEachChunk(n, Parallel.DEFAULT_CHUNK / 4, (chunk, from, to) -> {
      LocalSearchEncoder.Scratch s = enc.scratch(beam);
      for (int i = from; i < to; i++) {
        enc.unary(x.data(), x.offset(i), s);
        if (start == null) {
          enc.beam(s, out, i * m, beam);
        }
        enc.search(s, out, i * m, ilsIters, icmIters, nperts, enc.rowRandom(x.data(), x.offset(i), seed));
      }
    });
    return Codes.wrap(out, n, m);
  }

  @Override
  public FloatMatrix decode(Codes codes) {
    requireValidCodes(codes);
    int d = dimension();
    FloatMatrix out = new FloatMatrix(codes.rows(), d);
    Parallel.forEachChunk(codes.rows(), Parallel.DEFAULT_CHUNK, (chunk, from, to) -> {
      for (int i = from; i < to; i++) {
        int o = out.offset(i);
        for (int a = 0; a < codebooks.size(); a++) {
          FloatMatrix b = codebooks.get(a);
          int base = b.offset(codes.get(i, a));
          for (int t = 0; t < d; t++) {
            out.data()[o + t] += b.data()[base + t];
          }
        }
      }
    });
    return out;
  }

  @Override
  public QueryScorer scorer(float[] query) {
    if (query.length != dimension()) {
      throw new InvalidInputException("query of dimension " + query.length + " for an aq model of " + dimension());
    }
    AdditiveCodeScorer.CrossTerms c = cross;
    if (c == null) {
      c = AdditiveCodeScorer.CrossTerms.of(codebooks);
      cross = c;
    }
    return new AdditiveCodeScorer(codebooks, c, query);
  }

  /** The codebooks as a list of copies, for the family's state. */
  List<FloatMatrix> state() {
    return new ArrayList<>(codebooks);
  }
}
