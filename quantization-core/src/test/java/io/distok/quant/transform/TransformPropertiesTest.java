package io.distok.quant.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.quant.Codes;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;
import io.distok.quant.Quantizer;
import io.distok.testdata.SyntheticData;
import io.distok.quant.UsageMetrics;
import io.distok.quant.io.ModelStore;
import io.distok.quant.kmeans.KMeansParams;
import io.distok.quant.vq.VectorQuantizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Randomized properties of the vector transforms; jqwik prints the seed of every run. */
class TransformPropertiesTest {

  private static FloatMatrix gaussian(int n, int d, SplittableRandom rng, double[] scales) {
    FloatMatrix x = new FloatMatrix(n, d);
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < d; t++) {
        x.set(i, t, (float) (scales[t] * rng.nextGaussian() + t));
      }
    }
    return x;
  }

  /**
   * The decomposition reconstructs a random symmetric matrix from its eigenpairs, vectors orthonormal: dense
   * Gaussian matrices, and low-rank ones with repeated (zero) eigenvalues and a random scale.
   */
  @Property(tries = 60)
  void eigenPairsReconstructTheMatrix(@ForAll @IntRange(min = 1, max = 40) int n, @ForAll boolean lowRank,
      @ForAll long seed) {
    double[][] m = randomSymmetric(n, lowRank, new SplittableRandom(seed));
    double size = 0;
    for (double[] row : m) {
      for (double v : row) {
        size = Math.max(size, Math.abs(v));
      }
    }
    double tolerance = 1e-10 * Math.max(size, 1e-300) * n;
    SymmetricEigen e = SymmetricEigen.of(m);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        double dot = 0;
        for (int r = 0; r < n; r++) {
          s += e.values[r] * e.vectors[r][i] * e.vectors[r][j];
          dot += e.vectors[i][r] * e.vectors[j][r];
        }
        assertEquals(m[i][j], s, tolerance, "entry " + i + "," + j);
        assertEquals(i == j ? 1 : 0, dot, 1e-9, "orthonormality " + i + "," + j);
      }
      if (i > 0) {
        assertTrue(e.values[i] <= e.values[i - 1], "descending");
      }
    }
  }

  /**
   * A random symmetric n x n matrix of random scale: dense Gaussian, or low rank with repeated (zero) eigenvalues.
   */
  private static double[][] randomSymmetric(int n, boolean lowRank, SplittableRandom rng) {
    double[][] m = new double[n][n];
    double scale = Math.pow(10, rng.nextInt(-3, 4));
    if (lowRank) {
      int rank = rng.nextInt(0, n + 1);
      for (int r = 0; r < rank; r++) {
        double[] u = new double[n];
        for (int i = 0; i < n; i++) {
          u[i] = rng.nextGaussian();
        }
        double w = r % 3 == 0 ? 2 : rng.nextGaussian(); // some repeated weights
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < n; j++) {
            m[i][j] += w * u[i] * u[j] * scale;
          }
        }
      }
    } else {
      for (int i = 0; i < n; i++) {
        for (int j = i; j < n; j++) {
          m[i][j] = rng.nextGaussian() * scale;
          m[j][i] = m[i][j];
        }
      }
    }
    return m;
  }

  /**
   * Large enough for the parallel column blocks (n >= 256): the same bits on 1 and 2 threads, and the eigenpairs
   * still reconstruct the matrix.
   */
  @Property(tries = 3)
  void largeDecompositionsAreThreadCountFree(@ForAll @IntRange(min = 260, max = 340) int n, @ForAll boolean lowRank,
      @ForAll long seed) {
    double[][] m = randomSymmetric(n, lowRank, new SplittableRandom(seed));
    SymmetricEigen one = io.distok.util.Parallel.withThreads(1, () -> SymmetricEigen.of(m));
    SymmetricEigen two = io.distok.util.Parallel.withThreads(2, () -> SymmetricEigen.of(m));
    assertArrayEquals(one.values, two.values);
    double size = 0;
    for (int r = 0; r < n; r++) {
      assertArrayEquals(one.vectors[r], two.vectors[r], "vector " + r);
      for (double v : m[r]) {
        size = Math.max(size, Math.abs(v));
      }
    }
    SplittableRandom pick = new SplittableRandom(seed ^ 1);
    for (int probe = 0; probe < 200; probe++) {
      int i = pick.nextInt(n);
      int j = pick.nextInt(n);
      double s = 0;
      for (int r = 0; r < n; r++) {
        s += two.values[r] * two.vectors[r][i] * two.vectors[r][j];
      }
      assertEquals(m[i][j], s, 1e-10 * Math.max(size, 1e-300) * n, "entry " + i + "," + j);
    }
  }

  /**
   * ITQ's Procrustes step returns a rotation that maximises trace(R^T M), also for a singular M (bits that agree on
   * every row give equal columns): R R^T = I, and no random rotation scores higher.
   */
  @Property(tries = 60)
  void procrustesIsARotationEvenForSingularMatrices(@ForAll @IntRange(min = 2, max = 10) int c,
      @ForAll @IntRange(min = 0, max = 4) int repeated, @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double scale = Math.pow(10, rng.nextInt(-2, 5));
    double[][] m = new double[c][c];
    for (int i = 0; i < c; i++) {
      for (int j = 0; j < c; j++) {
        m[i][j] = scale * rng.nextGaussian();
      }
    }
    for (int k = 0; k < Math.min(repeated, c - 1); k++) {
      int from = rng.nextInt(c);
      int to = rng.nextInt(c);
      for (int i = 0; i < c; i++) {
        m[i][to] = m[i][from];
      }
    }
    double[][] r = Itq.procrustes(m);
    for (int i = 0; i < c; i++) {
      for (int j = 0; j < c; j++) {
        double dot = 0;
        for (int t = 0; t < c; t++) {
          dot += r[i][t] * r[j][t];
        }
        assertEquals(i == j ? 1 : 0, dot, 1e-9, "R R^T at " + i + "," + j);
      }
    }
    double best = trace(r, m);
    for (int probe = 0; probe < 20; probe++) {
      double[][] q = LinearTransform.orthonormalRows(LinearTransform.gaussian(c, rng));
      assertTrue(trace(q, m) <= best + 1e-9 * scale * c * c, "a random rotation scores higher");
    }
  }

  private static double trace(double[][] r, double[][] m) {
    double s = 0;
    for (int i = 0; i < r.length; i++) {
      for (int j = 0; j < r.length; j++) {
        s += r[i][j] * m[i][j];
      }
    }
    return s;
  }

  /** The eigenvalues alone are the full decomposition's values bit for bit, in the same (descending) order. */
  @Property(tries = 40)
  void valuesAloneAreTheDecompositionsValues(@ForAll @IntRange(min = 1, max = 60) int n, @ForAll boolean lowRank,
      @ForAll long seed) {
    double[][] m = randomSymmetric(n, lowRank, new SplittableRandom(seed));
    double[] full = SymmetricEigen.of(m).values;
    double[] alone = SymmetricEigen.values(m);
    for (int i = 0; i < n; i++) {
      assertEquals(Double.doubleToLongBits(full[i]), Double.doubleToLongBits(alone[i]), "value " + i + ": "
          + full[i] + " vs " + alone[i]);
    }
  }

  /**
   * The principal axes are orthonormal; rotated rows have zero mean and, along axis r, the variance the
   * decomposition reports (descending, as {@link PrincipalAxes#variancesOf} gives them bit for bit); unrotating
   * gives the rows back.
   */
  @Property(tries = 20)
  void principalAxesRotateAndUnrotate(@ForAll @IntRange(min = 1, max = 24) int d, @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] scales = new double[d];
    for (int t = 0; t < d; t++) {
      scales[t] = Math.exp(rng.nextDouble(-2, 2));
    }
    int n = 50 + rng.nextInt(400);
    FloatMatrix x = gaussian(n, d, rng, scales);
    PrincipalAxes axes = PrincipalAxes.of(x);
    FloatMatrix a = axes.axes();
    for (int r = 0; r < d; r++) {
      for (int s = 0; s < d; s++) {
        double dot = 0;
        for (int t = 0; t < d; t++) {
          dot += (double) a.get(r, t) * a.get(s, t);
        }
        assertEquals(r == s ? 1 : 0, dot, 1e-5, "axes " + r + "," + s);
      }
    }
    double[] variances = axes.variances();
    assertArrayEquals(variances, PrincipalAxes.variancesOf(x));
    FloatMatrix y = axes.rotate(x);
    double top = variances[0];
    for (int r = 0; r < d; r++) {
      double sum = 0;
      double sq = 0;
      for (int i = 0; i < n; i++) {
        sum += y.get(i, r);
        sq += (double) y.get(i, r) * y.get(i, r);
      }
      assertEquals(0, sum / n, 1e-3 * Math.sqrt(top), "mean along axis " + r);
      assertEquals(variances[r], sq / (n - 1), 1e-3 * top, "variance along axis " + r);
      if (r > 0) {
        assertTrue(variances[r] <= variances[r - 1], "descending");
      }
    }
    FloatMatrix back = axes.unrotate(y);
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < d; t++) {
        assertEquals(x.get(i, t), back.get(i, t), 1e-3 * (1 + Math.abs(x.get(i, t))), "row " + i + " col " + t);
      }
    }
    // the leading coordinates alone are the first columns of the full rotation, bit for bit
    int components = 1 + rng.nextInt(d);
    FloatMatrix leading = axes.rotate(x, components);
    assertEquals(components, leading.cols());
    for (int i = 0; i < n; i++) {
      for (int r = 0; r < components; r++) {
        assertEquals(Float.floatToRawIntBits(y.get(i, r)), Float.floatToRawIntBits(leading.get(i, r)),
            "row " + i + " component " + r + " of " + components);
      }
    }
    assertThrows(IllegalArgumentException.class, () -> axes.rotate(x, d + 1));
    assertThrows(IllegalArgumentException.class, () -> axes.rotate(x, 0));
  }

  /**
   * PCA to every dimension is a rotation about the mean: reverse(apply(x)) == x, and the variances come out in
   * descending order; whitening gives unit variances.
   */
  @Property(tries = 20)
  void fullPcaIsInvertibleAndOrdersVariance(@ForAll @IntRange(min = 2, max = 10) int d, @ForAll boolean whiten,
      @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] scales = new double[d];
    for (int t = 0; t < d; t++) {
      scales[t] = 0.5 + 3 * rng.nextDouble();
    }
    FloatMatrix x = gaussian(400, d, rng, scales);
    LinearTransform pca = LinearTransform.pca(x, d, whiten);
    FloatMatrix y = pca.apply(x);
    FloatMatrix back = pca.reverse(y);
    for (int i = 0; i < x.rows(); i++) {
      for (int t = 0; t < d; t++) {
        assertEquals(x.get(i, t), back.get(i, t), 2e-3 * (1 + Math.abs(x.get(i, t))), "row " + i + " dim " + t);
      }
    }
    double previous = Double.POSITIVE_INFINITY;
    for (int t = 0; t < d; t++) {
      double v = 0;
      for (int i = 0; i < y.rows(); i++) {
        v += y.get(i, t) * (double) y.get(i, t);
      }
      v /= y.rows() - 1;
      if (whiten) {
        assertEquals(1, v, 1e-2, "whitened variance of component " + t);
      } else {
        assertTrue(v <= previous * (1 + 1e-4), "component " + t + " variance " + v + " > " + previous);
        previous = v;
      }
    }
  }

  /** A random rotation preserves distances and is a function of the seed. */
  @Property(tries = 20)
  void randomRotationsPreserveDistances(@ForAll @IntRange(min = 1, max = 20) int d, @ForAll long seed) {
    LinearTransform r = LinearTransform.randomRotation(d, seed);
    SplittableRandom rng = new SplittableRandom(seed + 1);
    double[] ones = new double[d];
    java.util.Arrays.fill(ones, 1);
    FloatMatrix x = gaussian(10, d, rng, ones);
    FloatMatrix y = r.apply(x);
    for (int i = 1; i < x.rows(); i++) {
      double a = 0;
      double b = 0;
      for (int t = 0; t < d; t++) {
        a += Math.pow(x.get(i, t) - x.get(0, t), 2);
        b += Math.pow(y.get(i, t) - y.get(0, t), 2);
      }
      assertEquals(a, b, 1e-4 * (1 + a));
    }
    assertTrue(java.util.Arrays.equals(r.matrix().data(), LinearTransform.randomRotation(d, seed).matrix().data()));
  }

  /** ITQ never raises its quantization loss, and its rows stay orthonormal within the PCA subspace. */
  @Property(tries = 10)
  void itqLossNeverRises(@ForAll @IntRange(min = 2, max = 8) int bits, @ForAll long seed) {
    FloatMatrix x = SyntheticData.gaussianClusters(300, 12, 6, 0.5, seed);
    Itq.Result r = Itq.train(x, bits, 15, seed);
    for (int i = 1; i < r.loss().length; i++) {
      assertTrue(r.loss()[i] <= r.loss()[i - 1] * (1 + 1e-9) + 1e-9, "iteration " + i + ": " + r.loss()[i] + " > "
          + r.loss()[i - 1]);
    }
    assertEquals(bits, r.transform().outputDimension());
  }

  /** A general linear map's reverse is its pseudo-inverse: exact for an invertible square map. */
  @Property(tries = 20)
  void generalMapsReverseThroughThePseudoInverse(@ForAll @IntRange(min = 1, max = 8) int d, @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    FloatMatrix a = new FloatMatrix(d, d);
    for (int i = 0; i < d; i++) {
      for (int t = 0; t < d; t++) {
        a.set(i, t, (float) (rng.nextGaussian() + (i == t ? 3 : 0)));
      }
    }
    float[] mean = new float[d];
    for (int t = 0; t < d; t++) {
      mean[t] = (float) rng.nextGaussian();
    }
    LinearTransform lt = new LinearTransform(a, mean, "given");
    double[] ones = new double[d];
    java.util.Arrays.fill(ones, 1);
    FloatMatrix x = gaussian(20, d, rng, ones);
    FloatMatrix back = lt.reverse(lt.apply(x));
    for (int i = 0; i < x.rows(); i++) {
      for (int t = 0; t < d; t++) {
        assertEquals(x.get(i, t), back.get(i, t), 1e-3 * (1 + Math.abs(x.get(i, t))));
      }
    }
  }

  @Test
  void transformedModelsSaveLoadAndEncodeIdentically(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    FloatMatrix x = SyntheticData.gaussianClusters(500, 16, 8, 0.4, 2);
    var trainer = TransformedQuantizer.trainer(TransformStep.parse("l2,pca:8,rotation"),
        VectorQuantizer.trainer(KMeansParams.of(16).withNiter(5)));
    TransformedQuantizer q = trainer.train(x, 9, ProgressListener.NONE);
    assertEquals(16, q.dimension());
    assertEquals(8, q.inner().dimension());
    Codes codes = q.encode(x);
    ModelStore.save(q, 9, dir.resolve("m"));
    Quantizer back = ModelStore.load(dir.resolve("m"));
    assertTrue(back instanceof TransformedQuantizer);
    assertEquals(codes, back.encode(x));
    assertTrue(java.util.Arrays.equals(q.decode(codes).data(), back.decode(codes).data()));
    assertTrue(Files.exists(dir.resolve("m").resolve("transform-1-0.npy")), "the PCA matrix is saved");
    // the decoded vectors are unit-norm reconstructions: MSE against the normalised data is small
    double mse = UsageMetrics.of(back, L2Normalization.normalizeRows(x), codes).relativeMse();
    assertTrue(mse < 0.5, "relative MSE " + mse);
  }

  @Test
  void badChainsAreNamed() {
    var e = assertThrows(InvalidInputException.class, () -> TransformStep.parse("l2,pcaa:3"));
    assertTrue(e.getMessage().contains("unknown step 'pcaa:3'"), e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> TransformStep.parse("pca"));
    assertTrue(e.getMessage().contains("pca needs its output dimension"), e.getMessage());
    FloatMatrix x = SyntheticData.gaussianClusters(20, 4, 2, 0.4, 2);
    e = assertThrows(InvalidInputException.class, () -> TransformStep.parse("pca:9").get(0).fit(x, 1));
    assertTrue(e.getMessage().contains("PCA to 9 dimensions of 4-dimensional data"), e.getMessage());
    FloatMatrix one = x.selectRows(new int[] {0});
    e = assertThrows(InvalidInputException.class, () -> TransformStep.parse("pca:2").get(0).fit(one, 1));
    assertTrue(e.getMessage().contains("PCA needs at least 2 rows, got 1"), e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> PrincipalAxes.variancesOf(one));
    assertTrue(e.getMessage().contains("PCA needs at least 2 rows, got 1"), e.getMessage());
    FloatMatrix bad = x.copy();
    bad.set(3, 1, Float.NaN);
    e = assertThrows(InvalidInputException.class, () -> PrincipalAxes.of(bad));
    assertTrue(e.getMessage().contains("PCA input"), e.getMessage());
  }
}
