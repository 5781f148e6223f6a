package io.distok.quant.aq;

import io.distok.quant.Quantizer;
import io.distok.quant.QuantizerTrainer;
import io.distok.quant.family.FamilyParameter;
import io.distok.quant.family.ModelState;
import io.distok.quant.family.ParameterValues;
import io.distok.quant.family.QuantizerFamily;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code aq} family: {@link AdditiveQuantizer} trained by {@link LsqTrainer}, parameters named as faiss's {@code
 * LocalSearchQuantizer} names them. {@code --bits B} chooses M = B / nbits. State: the M codebooks ({@code
 * codebook-J.npy}, K x d each, position J's code c is row c; a vector is the sum of its M rows) and, with {@code
 * --norm-bits}, {@code norm-values-0.npy} (1 x 2^norm_bits, the stored norm's values, its code the last position); the encoder's seed is
 * a parameter, so a loaded model gives the same codes.
 */
public final class AqFamily implements QuantizerFamily {
  private static final LsqTrainer DEFAULTS = LsqTrainer.defaults(8, 8);

  @Override
  public String name() {
    return "aq";
  }

  @Override
  public String description() {
    return "additive quantization (LSQ++): M full-dimensional codebooks summed, encoded by local search";
  }

  @Override
  public List<FamilyParameter> parameters() {
    return List.of(
        FamilyParameter.integer("M", "--M", DEFAULTS.m(), "M, codebooks (code positions); default 8, or --bits / "
            + "nbits").withDefault(null),
        FamilyParameter.integer("nbits", "--nbits", DEFAULTS.nbits(), "nbits, bits per code (K = 2^nbits)"),
        FamilyParameter.integer("bits", "--bits", 0, "Bits per vector: sets M = bits / nbits; 0 uses --M"),
        FamilyParameter.integer("train_iters", "--train-iters", DEFAULTS.trainIters(), "train_iters, LSQ iterations "
            + "after the RQ start"),
        FamilyParameter.integer("train_ils_iters", "--train-ils-iters", DEFAULTS.trainIlsIters(),
            "train_ils_iters, ILS rounds per training iteration"),
        FamilyParameter.integer("encode_beam", "--encode-beam", DEFAULTS.encodeBeam(), "Beam width of the "
            + "encoder's starting code (distok's; 1 = greedy, as RQ)"),
        FamilyParameter.integer("encode_ils_iters", "--encode-ils-iters", DEFAULTS.encodeIlsIters(),
            "encode_ils_iters, ILS rounds when encoding"),
        FamilyParameter.integer("icm_iters", "--icm-iters", DEFAULTS.icmIters(), "icm_iters, ICM sweeps per ILS "
            + "round"),
        FamilyParameter.integer("nperts", "--nperts", DEFAULTS.nperts(), "nperts, codes perturbed per ILS round (at most M)"),
        FamilyParameter.real("lambd", "--lambd", DEFAULTS.lambd(), "lambd, ridge regularisation of the joint "
            + "codebook solve"),
        FamilyParameter.real("p", "--p", DEFAULTS.p(), "p, exponent of the codebook perturbation schedule "
            + "(1 - t/T)^p"),
        FamilyParameter.real("codebook_noise", "--codebook-noise", LsqTrainer.DEFAULT_NOISE, "Multiplier of the "
            + "codebook perturbation T sigma / M (distok's; 0 = none; default: faiss's 1 after a random start or an "
            + "RQ start with progressive-dim levels, 0.1 otherwise)").withDefault(null),
        FamilyParameter.integer("norm_bits", "--norm-bits", 0, "Bits of a stored squared norm appended to each code "
            + "(faiss's ST_norm_cqint8 with 8), for O(M) query scoring; 0 = none, the norm comes from the codes"),
        FamilyParameter.choice("start", "--start", "rq", List.of("rq", "random"), "Start of training: distok's RQ "
            + "(never ends worse than it), or random codes as faiss's LSQ"),
        FamilyParameter.integer("rq_iters", "--rq-iters", DEFAULTS.rqIters(), "k-means iterations of the RQ start's "
            + "levels (levels that train progressively, as rq's --level-training auto picks for image-like data, run "
            + "faiss's 10 per step)."));
  }

  @Override
  public List<FamilyParameter> encodeParameters() {
    return List.of(
        FamilyParameter.integer("encode_beam", "--encode-beam", DEFAULTS.encodeBeam(), "Beam width of the starting "
            + "code").withDefault(null),
        FamilyParameter.integer("encode_ils_iters", "--encode-ils-iters", DEFAULTS.encodeIlsIters(),
            "encode_ils_iters, ILS rounds per vector").withDefault(null),
        FamilyParameter.integer("icm_iters", "--icm-iters", DEFAULTS.icmIters(), "icm_iters, ICM sweeps per round")
            .withDefault(null),
        FamilyParameter.integer("nperts", "--nperts", DEFAULTS.nperts(), "nperts, codes perturbed per round")
            .withDefault(null));
  }

  @Override
  public QuantizerTrainer<? extends Quantizer> trainer(ParameterValues values) {
    int nbits = values.getInt("nbits");
    int bits = values.getInt("bits");
    Integer m = values.getIntOrNull("M");
    if (bits > 0 && m != null) {
      throw new InvalidInputException("--M and --bits both choose AQ's codebooks; give one");
    }
    if (bits < 0 || nbits < 1) {
      throw new InvalidInputException("--bits and --nbits must be positive");
    }
    if (bits > 0 && bits % nbits != 0) {
      throw new InvalidInputException("--bits " + bits + " is not a multiple of --nbits " + nbits);
    }
    int books = bits > 0 ? bits / nbits : m != null ? m : DEFAULTS.m();
    try {
      return new LsqTrainer(books, nbits, values.getInt("train_iters"), values.getInt("encode_beam"),
          values.getInt("encode_ils_iters"),
          values.getInt("train_ils_iters"), values.getInt("icm_iters"),
          // faiss's default of 4 perturbations cannot exceed M: fewer codebooks (e.g. --bits 16) perturb all M
          values.isSet("nperts") ? values.getInt("nperts") : Math.min(values.getInt("nperts"), books),
          values.getDouble("lambd"), values.getDouble("p"), values.getTextOrNull("codebook_noise") == null
              ? LsqTrainer.AUTO_NOISE : values.getDouble("codebook_noise"),
          values.getInt("rq_iters"), values.getInt("norm_bits"), values.getChoice("start").equals("random"));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(e.getMessage());
    }
  }

  @Override
  public Quantizer reconfigure(Quantizer model, ParameterValues values) {
    AdditiveQuantizer q = (AdditiveQuantizer) model;
    Integer beam = values.getIntOrNull("encode_beam");
    Integer ils = values.getIntOrNull("encode_ils_iters");
    Integer icm = values.getIntOrNull("icm_iters");
    Integer np = values.getIntOrNull("nperts");
    try {
      return q.withEncoding(beam != null ? beam : q.beam(), ils != null ? ils : q.encodeIlsIters(), icm != null ? icm : q.icmIters(),
          np != null ? np : q.nperts());
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(e.getMessage());
    }
  }

  @Override
  public int stateVersion() {
    return 1;
  }

  @Override
  public void write(Quantizer model, ModelState.Writer out) throws IOException {
    AdditiveQuantizer q = (AdditiveQuantizer) model;
    out.matrices("codebooks", "codebook", q.state());
    if (q.normValues() != null) {
      out.matrices("normValues", "norm-values", List.of(FloatMatrix.wrap(q.normValues(), 1, q.normValues().length)));
    }
  }

  @Override
  public Quantizer read(ModelState.Reader in) throws IOException {
    List<FloatMatrix> books = in.matrices("codebooks");
    if (books.size() != in.intParameter("M")) {
      throw new InvalidInputException(in.source() + ": an aq model of M=" + in.intParameter("M") + " has "
          + books.size() + " codebooks");
    }
    Map<String, Object> train = new LinkedHashMap<>();
    train.put("train_iters", in.intParameter("train_iters"));
    train.put("train_ils_iters", in.intParameter("train_ils_iters"));
    train.put("lambd", in.doubleParameter("lambd"));
    train.put("p", in.doubleParameter("p"));
    train.put("codebook_noise", in.doubleParameter("codebook_noise"));
    train.put("init", in.textParameter("init"));
    try {
      return new AdditiveQuantizer(books, in.intParameter("encode_beam"), in.intParameter("encode_ils_iters"), in.intParameter("icm_iters"),
          in.intParameter("nperts"), in.longParameter("encode_seed"), train,
          in.hasMatrices("normValues") ? in.matrices("normValues").get(0).rowCopy(0) : null);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(in.source() + ": " + e.getMessage());
    }
  }
}
