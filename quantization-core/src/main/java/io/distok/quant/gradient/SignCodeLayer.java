package io.distok.quant.gradient;

import io.distok.quant.SignCodeQuantizer;
import io.distok.quant.bsq.BinarySphericalQuantizer;
import io.distok.quant.lfq.LookupFreeQuantizer;
import io.distok.quant.train.BitEntropy;
import io.distok.util.FloatMatrix;
import java.util.Arrays;

/**
 * A trainable sign-code quantizer of K bits: LFQ (MAGVIT-v2: each coordinate to {@code +-1}) or BSQ (the vector
 * normalised onto the unit sphere, then each coordinate to {@code +-1/sqrt(K)}). It has no codebook; the encoder
 * before it learns. Gradients reach z by the straight-through estimator (for BSQ through the normalisation), plus
 * the commitment loss {@code beta ||v - q||^2} of the value v that is binarised, plus the usage regulariser
 * factorised per bit: with soft bits {@code p_it = sigmoid(2 b v_it)} (the distance softmax over the 2^K codes
 * factorises over the bits), the loss is {@code lambda / K (sum_t mean_i h(p_it) + gamma (K ln 2 - sum_t
 * h(mean_i p_it)))}: confident bits (low per-sample entropy) and every bit used both ways (high codebook
 * entropy), bounded in {@code [0, lambda (1 + gamma) ln 2]}, never computed over the 2^K codes. O(n K) time and
 * memory per step.
 */
public final class SignCodeLayer implements QuantizerLayer {
  private final int bits;
  private final boolean spherical;
  private final int groupBits;
  private final double beta;
  private final double entropyWeight;
  private final double gamma;
  private final double inverseTemperature;

  /**
   * A layer of {@code bits} bits, {@code groupBits} bits per code position of the frozen model.
   *
   * @param spherical BSQ when true, LFQ otherwise
   * @param beta commitment weight
   * @param entropyWeight lambda of the usage regulariser (0 switches it off)
   * @param gamma weight of the codebook-entropy term against the per-sample one (MAGVIT-v2 uses 1)
   * @param inverseTemperature b of the soft bits, in units of the binarised value (LFQ: of z; BSQ: of z / |z|
   *     times sqrt(K), so that it means the same for any K)
   */
  public SignCodeLayer(int bits, int groupBits, boolean spherical, double beta, double entropyWeight, double gamma,
      double inverseTemperature) {
    if (bits < 1 || groupBits < 1 || groupBits > Math.min(bits, 62)) {
      throw new IllegalArgumentException("need 1 <= groupBits <= min(bits, 62), got " + bits + " bits in groups of "
          + groupBits);
    }
    if (!(beta >= 0) || !(entropyWeight >= 0) || !(gamma >= 0) || !(inverseTemperature > 0)
        || !Double.isFinite(beta + entropyWeight + gamma + inverseTemperature)) {
      throw new IllegalArgumentException("beta, lambda and gamma must be finite and >= 0, the inverse temperature"
          + " finite and > 0; got " + beta + ", " + entropyWeight + ", " + gamma + ", " + inverseTemperature);
    }
    this.bits = bits;
    this.groupBits = groupBits;
    this.spherical = spherical;
    this.beta = beta;
    this.entropyWeight = entropyWeight;
    this.gamma = gamma;
    this.inverseTemperature = inverseTemperature;
  }

  @Override
  public int dimension() {
    return bits;
  }

  /** What a forward pass keeps: the binarised values v (z itself, or z / |z|), their norms, and the output. */
  static final class SignPass implements Pass {
    final FloatMatrix input;
    final float[] values;
    final float[] norms;
    final FloatMatrix output;
    /** The soft-bit entropies of the pass, when the regulariser is on. */
    BitEntropy entropy;
    double auxiliary;

    SignPass(FloatMatrix input, float[] values, float[] norms, FloatMatrix output) {
      this.input = input;
      this.values = values;
      this.norms = norms;
      this.output = output;
    }

    @Override
    public FloatMatrix output() {
      return output;
    }

    @Override
    public double auxiliaryLoss() {
      return auxiliary;
    }
  }

  /** The level of a set bit: 1, or {@code 1/sqrt(K)} on the sphere. */
  private float level() {
    return spherical ? (float) (1 / Math.sqrt(bits)) : 1f;
  }

  @Override
  public SignPass forward(FloatMatrix z, double progress) {
    if (z.cols() != bits) {
      throw new IllegalArgumentException("a " + bits + "-bit sign-code layer got rows of " + z.cols());
    }
    int n = z.rows();
    float[] zv = z.data();
    float[] v = spherical ? new float[zv.length] : zv;
    float[] norms = spherical ? new float[n] : null;
    if (spherical) {
      for (int i = 0; i < n; i++) {
        double s = 0;
        for (int t = 0; t < bits; t++) {
          s += (double) zv[i * bits + t] * zv[i * bits + t];
        }
        // a zero row has no direction: it stays at the origin and binarises to all clear bits
        float norm = (float) Math.sqrt(s);
        norms[i] = norm;
        for (int t = 0; t < bits; t++) {
          v[i * bits + t] = norm > 0 ? zv[i * bits + t] / norm : 0f;
        }
      }
    }
    float level = level();
    FloatMatrix out = new FloatMatrix(n, bits);
    float[] q = out.data();
    double commitment = 0;
    for (int i = 0; i < q.length; i++) {
      // a bit is set when its value is above zero, as the frozen sign-code quantizers decide
      q[i] = v[i] > 0 ? level : -level;
      double e = v[i] - q[i];
      commitment += e * e;
    }
    SignPass pass = new SignPass(z, v, norms, out);
    pass.auxiliary = beta * commitment / Math.max(1, n);
    if (entropyWeight > 0) {
      pass.entropy = BitEntropy.of(FloatMatrix.wrap(v, n, bits), softBeta());
      pass.auxiliary += entropyWeight / bits * (pass.entropy.sampleEntropy() + gamma * (bits * Math.log(2)
          - pass.entropy.codebookEntropy()));
    }
    return pass;
  }

  /**
   * The inverse temperature of the soft bits {@code sigmoid(2 beta v)} on the binarised values: b itself for LFQ, b
   * sqrt(K) for BSQ, whose values are z / |z| and so sqrt(K) times smaller per coordinate.
   */
  private double softBeta() {
    return inverseTemperature * (spherical ? Math.sqrt(bits) : 1);
  }

  @Override
  public FloatMatrix backward(Pass p, FloatMatrix g) {
    SignPass pass = (SignPass) p;
    int n = pass.input.rows();
    float[] v = pass.values;
    float[] q = pass.output.data();
    // the gradient at v: straight through from q, the commitment term, the usage regulariser
    float[] gv = g == null ? new float[v.length] : g.data().clone();
    float commit = (float) (2 * beta / n);
    for (int i = 0; i < v.length; i++) {
      gv[i] += commit * (v[i] - q[i]);
    }
    if (entropyWeight > 0) {
      double[] meanLogOdds = new double[bits];
      for (int t = 0; t < bits; t++) {
        double m = Math.min(1 - 1e-12, Math.max(1e-12, pass.entropy.bitShare()[t]));
        meanLogOdds[t] = Math.log((1 - m) / m);
      }
      double beta = softBeta();
      double scale = entropyWeight / bits / n;
      for (int i = 0; i < n; i++) {
        for (int t = 0; t < bits; t++) {
          double a = 2 * beta * v[i * bits + t];
          double s = BitEntropy.soft(v[i * bits + t], beta);
          // dh/dp = ln((1 - p) / p) = -a for p = sigmoid(a); dp/dv = 2 beta p (1 - p)
          gv[i * bits + t] += (float) (scale * 2 * beta * s * (1 - s) * (-a - gamma * meanLogOdds[t]));
        }
      }
    }
    if (!spherical) {
      return FloatMatrix.wrap(gv, n, bits);
    }
    // through u = z / |z|: du/dz = (I - u u^T) / |z|
    FloatMatrix gz = new FloatMatrix(n, bits);
    float[] out = gz.data();
    for (int i = 0; i < n; i++) {
      float norm = pass.norms[i];
      if (!(norm > 0)) {
        continue;
      }
      double dot = 0;
      for (int t = 0; t < bits; t++) {
        dot += (double) v[i * bits + t] * gv[i * bits + t];
      }
      for (int t = 0; t < bits; t++) {
        out[i * bits + t] = (float) ((gv[i * bits + t] - v[i * bits + t] * dot) / norm);
      }
    }
    return gz;
  }

  @Override
  public SignCodeQuantizer freeze() {
    if (spherical) {
      return new BinarySphericalQuantizer(bits, groupBits, 1f);
    }
    float[] negative = new float[bits];
    float[] positive = new float[bits];
    Arrays.fill(negative, -1f);
    Arrays.fill(positive, 1f);
    return new LookupFreeQuantizer(negative, positive, groupBits);
  }

  @Override
  public String toString() {
    return (spherical ? "BSQ" : "LFQ") + " layer(" + bits + " bits, beta " + beta + ", entropy " + entropyWeight
        + ", gamma " + gamma + ")";
  }
}
