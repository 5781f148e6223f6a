package io.distok.quant.kmeans;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.util.FloatMatrix;
import io.distok.util.Parallel;
import io.distok.util.ProgressListener;
import io.distok.quant.NearestCodes;
import io.distok.quant.kernel.DistanceKernels;
import io.distok.quant.kernel.PackedRows;
import io.distok.quant.transform.PrincipalAxes;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Progressive-dimension k-means; jqwik prints the seed of every run. */
class ProgressiveDimKMeansTest {

  /**
   * Clustered rows whose clusters differ mostly along a few random directions (variance concentrated in
   * {@code rank} of {@code d} dimensions), plus small isotropic noise, all shifted far from the origin.
   */
  private static FloatMatrix concentrated(int n, int d, int rank, int clusters, SplittableRandom rng) {
    double[][] basis = new double[rank][d];
    for (double[] b : basis) {
      for (int t = 0; t < d; t++) {
        b[t] = rng.nextGaussian();
      }
    }
    double[][] centres = new double[clusters][rank];
    for (double[] c : centres) {
      for (int r = 0; r < rank; r++) {
        c[r] = 5 * rng.nextGaussian();
      }
    }
    FloatMatrix x = new FloatMatrix(n, d);
    for (int i = 0; i < n; i++) {
      double[] c = centres[rng.nextInt(clusters)];
      for (int t = 0; t < d; t++) {
        double v = 100 + 0.05 * rng.nextGaussian();
        for (int r = 0; r < rank; r++) {
          v += (c[r] + 0.3 * rng.nextGaussian()) * basis[r][t];
        }
        x.set(i, t, (float) v);
      }
    }
    return x;
  }

  private static double objective(FloatMatrix x, FloatMatrix centroids) {
    int[] codes = NearestCodes.assign(x, new PackedRows(centroids), DistanceKernels.get(), null);
    double s = 0;
    for (int i = 0; i < x.rows(); i++) {
      for (int t = 0; t < x.cols(); t++) {
        double e = x.get(i, t) - centroids.get(codes[i], t);
        s += e * e;
      }
    }
    return s / x.rows();
  }

  /** faiss's widths: floor(d^((s+1)/S)), at least 1, non-decreasing, the last one d. */
  @Property(tries = 50)
  void widthsGrowGeometricallyToTheFullDimension(@ForAll @IntRange(min = 1, max = 2000) int d,
      @ForAll @IntRange(min = 1, max = 20) int steps) {
    int before = 1;
    for (int s = 0; s < steps; s++) {
      int w = ProgressiveDimKMeans.width(d, s, steps);
      assertTrue(w >= before && w <= d, "step " + s + ": width " + w);
      if (s < steps - 1) {
        assertEquals(Math.max(1, (int) Math.pow(d, (s + 1.0) / steps)), w);
      }
      before = w;
    }
    assertEquals(d, ProgressiveDimKMeans.width(d, steps - 1, steps));
  }

  @Test
  void widthsOfMnistAreFaissWidths() {
    List<Integer> widths = new ArrayList<>();
    for (int s = 0; s < 10; s++) {
      widths.add(ProgressiveDimKMeans.width(784, s, 10));
    }
    assertEquals(List.of(1, 3, 7, 14, 28, 54, 106, 206, 402, 784), widths); // int(pow(784, (1. + s) / 10)) in C
  }

  /**
   * The runs on the leading components leave centroids in the original space that lie on the mean plus the span of
   * the first w principal axes (w the width of the last early step), fit the rows exactly as well as their leading
   * coordinates fit the rotated rows plus the variance left in the other axes; Lloyd's iterations from there do
   * not end worse. (They need not beat random seeds: a run that starts on one coordinate can merge clusters.)
   */
  @Property(tries = 10)
  void theLowDimensionalRunsGiveAGoodStartInTheOriginalSpace(@ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int d = 12 + rng.nextInt(40);
    FloatMatrix x = concentrated(1500, d, 3, 12, rng);
    int steps = 6;
    KMeansParams p = new KMeansParams(16, 8, 256, 0, false, steps);
    KMeans kmeans = new KMeans(p);
    FloatMatrix start = ProgressiveDimKMeans.startingCentroids(kmeans, x, x.rows(), new SplittableRandom(seed),
        ProgressListener.NONE, "t");
    PrincipalAxes axes = PrincipalAxes.of(x);
    int w = ProgressiveDimKMeans.width(d, steps - 2, steps);
    FloatMatrix rotated = axes.rotate(x);
    FloatMatrix startRotated = axes.rotate(start);
    double scale = Math.sqrt(axes.variances()[0]);
    double tail = 0;
    for (int i = 0; i < x.rows(); i++) {
      for (int t = w; t < d; t++) {
        tail += (double) rotated.get(i, t) * rotated.get(i, t);
      }
    }
    tail /= x.rows();
    for (int j = 0; j < start.rows(); j++) {
      for (int t = w; t < d; t++) {
        assertEquals(0, startRotated.get(j, t), 1e-3 * scale, "centroid " + j + " off the leading axes at " + t);
      }
    }
    double leading = objective(rotated.columns(0, w), startRotated.columns(0, w));
    double full = objective(x, start);
    double slack = 1e-3 * (leading + tail) + 1e-6;
    assertTrue(full >= leading - slack && full <= leading + tail + slack, "objective " + full + " vs leading "
        + leading + " + tail " + tail);
    KMeansResult done = kmeans.train(x, seed, ProgressListener.NONE, "t");
    assertTrue(objective(x, done.centroids()) <= full * (1 + 1e-5), "Lloyd from the start cannot end worse");
  }

  @Property(tries = 5)
  void bitIdenticalWhateverTheThreadCount(@ForAll long seed) {
    FloatMatrix x = concentrated(2000, 30, 4, 20, new SplittableRandom(seed));
    KMeansParams p = new KMeansParams(32, 5, 256, 0, true, KMeansParams.DEFAULT_PROGRESSIVE_DIM_STEPS);
    FloatMatrix one = Parallel.withThreads(1, () -> new KMeans(p).train(x, seed, ProgressListener.NONE, "t"))
        .centroids();
    FloatMatrix two = Parallel.withThreads(2, () -> new KMeans(p).train(x, seed, ProgressListener.NONE, "t"))
        .centroids();
    assertArrayEquals(one.data(), two.data());
  }

  /** One step is plain k-means, bit for bit. */
  @Property(tries = 5)
  void oneStepIsPlainKMeans(@ForAll long seed) {
    FloatMatrix x = concentrated(800, 10, 2, 6, new SplittableRandom(seed));
    KMeansParams plain = new KMeansParams(8, 6, 256, 0, true);
    FloatMatrix a = new KMeans(plain).train(x, seed, ProgressListener.NONE, "t").centroids();
    FloatMatrix b = new KMeans(plain.withProgressiveDimSteps(1)).train(x, seed, ProgressListener.NONE, "t")
        .centroids();
    assertArrayEquals(a.data(), b.data());
  }

  /** The rule: variance held by a few directions suits progressive dimensions; isotropic noise does not. */
  @Property(tries = 10)
  void suitsRowsWhoseVarianceIsConcentrated(@ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int d = 20 + rng.nextInt(60);
    assertTrue(ProgressiveDimKMeans.suits(concentrated(600, d, 2, 8, rng)), "rank-2 clusters in " + d + " dims");
    FloatMatrix iso = new FloatMatrix(600, d);
    for (int i = 0; i < iso.rows(); i++) {
      for (int t = 0; t < d; t++) {
        iso.set(i, t, (float) rng.nextGaussian());
      }
    }
    assertFalse(ProgressiveDimKMeans.suits(iso), "isotropic Gaussian in " + d + " dims");
  }

  @Test
  void progressReportsEveryStep() {
    FloatMatrix x = concentrated(500, 16, 2, 5, new SplittableRandom(3));
    List<String> stages = new ArrayList<>();
    new KMeans(new KMeansParams(4, 2, 256, 0, false, 4)).train(x, 1,
        (stage, done, total) -> {
          if (done == total && !stages.contains(stage)) {
            stages.add(stage);
          }
        }, "k");
    List<String> expected = new ArrayList<>();
    for (int s = 0; s < 3; s++) {
      expected.add("k (" + ProgressiveDimKMeans.width(16, s, 4) + " of 16 dims)");
    }
    expected.add("k");
    assertEquals(expected, stages);
  }
}
