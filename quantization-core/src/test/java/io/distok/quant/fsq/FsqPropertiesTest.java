package io.distok.quant.fsq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.quant.CodebookUsage;
import io.distok.quant.Codes;
import io.distok.quant.Quantizer;
import io.distok.quant.UsageMetrics;
import io.distok.quant.family.ParameterValues;
import io.distok.quant.family.QuantizerFamily;
import io.distok.quant.fsq.FiniteScalarQuantizer.Bound;
import io.distok.quant.io.ModelStore;
import io.distok.quant.transform.TransformedQuantizer;
import io.distok.testdata.SyntheticData;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.Parallel;
import io.distok.util.ProgressListener;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Randomized properties of FSQ; jqwik prints the seed of every run. */
class FsqPropertiesTest {

  private static FloatMatrix gaussian(int n, int d, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    FloatMatrix x = new FloatMatrix(n, d);
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < d; t++) {
        double u = 1 - rng.nextDouble();
        x.set(i, t, (float) ((t + 1) * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble())));
      }
    }
    return x;
  }

  @Property(tries = 40)
  void codesAreMixedRadixLevelsAndDecodeToTheLevelMeans(@ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int dims,
      @ForAll boolean tanh) {
    SplittableRandom rng = new SplittableRandom(seed);
    int[] levels = new int[dims];
    for (int t = 0; t < dims; t++) {
      levels[t] = 2 + rng.nextInt(7);
    }
    FloatMatrix z = gaussian(300, dims, seed);
    int[] starts = FsqLevels.groupStarts(levels, 1 + rng.nextInt(dims));
    FiniteScalarQuantizer q = new FsqTrainer(levels, starts, tanh ? Bound.TANH : Bound.CLAMP).train(z, 0);
    Codes codes = q.encode(z);
    FloatMatrix back = q.decode(codes);
    double[][] sums = new double[dims][];
    int[][] counts = new int[dims][];
    for (int t = 0; t < dims; t++) {
      sums[t] = new double[levels[t]];
      counts[t] = new int[levels[t]];
    }
    for (int i = 0; i < z.rows(); i++) {
      int[] digits = q.digits(codes, i);
      for (int g = 0; g < starts.length; g++) {
        int end = g + 1 < starts.length ? starts[g + 1] : dims;
        long index = 0;
        long radix = 1;
        for (int t = starts[g]; t < end; t++) {
          index += digits[t] * radix;
          radix *= levels[t];
        }
        assertEquals(index, codes.getLong(i, g), "mixed-radix index, dimension 0 least significant");
      }
      for (int t = 0; t < dims; t++) {
        assertTrue(digits[t] >= 0 && digits[t] < levels[t]);
        assertEquals(q.values(t)[digits[t]], back.get(i, t), "decoding is the level's value");
        sums[t][digits[t]] += z.get(i, t);
        counts[t][digits[t]]++;
      }
    }
    for (int t = 0; t < dims; t++) {
      for (int l = 0; l < levels[t]; l++) {
        if (counts[t][l] > 0) {
          assertEquals(sums[t][l] / counts[t][l], q.values(t)[l], 1e-4 * (t + 1), "value = mean of its level");
        }
      }
      // larger values never get lower levels: the bound and rounding are monotone
      float[] col = new float[z.rows()];
      int[] lv = new int[z.rows()];
      for (int i = 0; i < z.rows(); i++) {
        col[i] = z.get(i, t);
        lv[i] = q.digits(codes, i)[t];
      }
      for (int i = 0; i < z.rows(); i++) {
        for (int j = 0; j < z.rows(); j++) {
          if (col[i] < col[j]) {
            assertTrue(lv[i] <= lv[j], "monotone levels");
          }
        }
      }
    }
  }

  /**
   * Every code's digits are the level search of its value among its dimension's boundaries, through the kernel's
   * table (at most 17 levels everywhere) and through binary search (some dimension above), with rows wider than one
   * vector, values sitting on boundaries, and several positions.
   */
  @Property(tries = 40)
  void encodingFindsEachValuesLevel(@ForAll long seed, @ForAll @IntRange(min = 1, max = 40) int dims,
      @ForAll boolean manyLevels, @ForAll boolean tanh) {
    SplittableRandom rng = new SplittableRandom(seed);
    int[] levels = new int[dims];
    for (int t = 0; t < dims; t++) {
      levels[t] = 2 + rng.nextInt(manyLevels && t == dims - 1 ? 60 : 16);
    }
    float[] center = new float[dims];
    float[] scale = new float[dims];
    float[][] values = new float[dims][];
    for (int t = 0; t < dims; t++) {
      center[t] = (float) (rng.nextDouble() - 0.5);
      scale[t] = (float) (0.5 + rng.nextDouble());
      values[t] = new float[levels[t]];
    }
    Bound bound = tanh ? Bound.TANH : Bound.CLAMP;
    int perPosition = 1 + rng.nextInt(6); // at most 6 x 6 bits: every position fits 2^62 codes
    int[] starts = new int[(dims + perPosition - 1) / perPosition];
    for (int g = 0; g < starts.length; g++) {
      starts[g] = g * perPosition;
    }
    FiniteScalarQuantizer q = new FiniteScalarQuantizer(levels, starts, bound, center, scale, values);
    FloatMatrix z = gaussian(1 + rng.nextInt(40), dims, seed);
    for (int i = 0; i < z.rows(); i++) {
      int t = rng.nextInt(dims);
      if (rng.nextBoolean()) {
        float[] th = FiniteScalarQuantizer.thresholds(bound, levels[t], center[t], scale[t]);
        z.set(i, t, th[rng.nextInt(th.length)]);
      }
    }
    Codes codes = q.encode(z);
    for (int i = 0; i < z.rows(); i++) {
      int[] digits = q.digits(codes, i);
      for (int t = 0; t < dims; t++) {
        float[] th = FiniteScalarQuantizer.thresholds(bound, levels[t], center[t], scale[t]);
        int expected = 0;
        while (expected < th.length && z.get(i, t) >= th[expected]) {
          expected++;
        }
        assertEquals(expected, digits[t], "row " + i + " dimension " + t + " levels " + levels[t]);
      }
    }
  }

  @Property(tries = 15)
  void theChosenScaleBeatsTheStandardDeviation(@ForAll long seed) {
    FloatMatrix z = gaussian(500, 3, seed);
    int[] levels = {8, 5, 5};
    FiniteScalarQuantizer fitted = new FsqTrainer(levels, new int[] {0}, Bound.TANH).train(z, 0);
    double fittedErr = UsageMetrics.of(fitted, z, fitted.encode(z)).mse();
    // the same model with each dimension's scale set to its standard deviation and level values re-fitted
    float[] scale = new float[3];
    float[] center = fitted.center();
    for (int t = 0; t < 3; t++) {
      double s = 0;
      for (int i = 0; i < z.rows(); i++) {
        s += (z.get(i, t) - center[t]) * (z.get(i, t) - center[t]);
      }
      scale[t] = (float) Math.sqrt(s / z.rows());
    }
    float[][] values = new float[3][];
    for (int t = 0; t < 3; t++) {
      values[t] = fitted.values(t);
    }
    FiniteScalarQuantizer plain = new FiniteScalarQuantizer(levels, new int[] {0}, Bound.TANH, center, scale, values);
    Codes pc = plain.encode(z);
    double[][] sum = new double[3][8];
    int[][] cnt = new int[3][8];
    for (int i = 0; i < z.rows(); i++) {
      int[] dg = plain.digits(pc, i);
      for (int t = 0; t < 3; t++) {
        sum[t][dg[t]] += z.get(i, t);
        cnt[t][dg[t]]++;
      }
    }
    for (int t = 0; t < 3; t++) {
      for (int l = 0; l < levels[t]; l++) {
        if (cnt[t][l] > 0) {
          values[t][l] = (float) (sum[t][l] / cnt[t][l]);
        }
      }
    }
    plain = new FiniteScalarQuantizer(levels, new int[] {0}, Bound.TANH, center, scale, values);
    double plainErr = UsageMetrics.of(plain, z, plain.encode(z)).mse();
    assertTrue(fittedErr <= plainErr * (1 + 1e-6), "searched scale " + fittedErr + " vs sigma " + plainErr);
  }

  @Test
  void bitPlansFollowThePapersTables() {
    assertArrayEquals(new int[] {8, 5, 5, 5}, FsqLevels.recommended(10));
    for (int bits = 1; bits <= 96; bits++) {
      FsqLevels.Plan plan = FsqLevels.forBits(bits);
      FiniteScalarQuantizer q = new FiniteScalarQuantizer(plan.levels(), plan.groupStarts(), Bound.CLAMP,
          new float[plan.dims()], ones(plan.dims()), zeros(plan.levels()));
      assertTrue(q.layout().totalBits() <= bits, bits + " bits: " + q.layout());
      assertTrue(q.layout().totalBits() >= bits - 1, bits + " bits are spent: " + q.layout());
    }
    assertEquals(4, FsqLevels.forBits(64).groupStarts().length, "64 bits: four 2^16 positions");
  }

  /**
   * 16 dimensions of 4 levels (2^32 codes in one position) and 24 of 4 (2^48): training, encoding and the usage
   * metrics allocate far less than one counter per code would, so no code is ever materialised.
   */
  @Test
  void implicitCodebooksOf2To32And2To48CodesStaySmall() {
    com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (int dims : new int[] {16, 24}) {
      int[] levels = new int[dims];
      Arrays.fill(levels, 4);
      FloatMatrix x = SyntheticData.gaussianClusters(4000, 32, 16, 0.5, dims);
      QuantizerFamily family = QuantizerFamily.forName("fsq");
      long before = bean.getCurrentThreadAllocatedBytes();
      long[] used = new long[1];
      Parallel.withThreads(1, () -> {
        long start = bean.getCurrentThreadAllocatedBytes();
        Quantizer q = family.trainer(ParameterValues.of(family.parameters(), Map.of("levels",
            String.join(",", Arrays.stream(levels).mapToObj(Integer::toString).toList())))).train(x, 3,
            ProgressListener.NONE);
        assertEquals(1L << (2 * dims), q.layout().size(0), "one position of 4^dims codes");
        Codes codes = q.encode(x);
        UsageMetrics m = UsageMetrics.of(q, x, codes);
        CodebookUsage u = m.codebooks().get(0);
        assertTrue(u.used() <= x.rows() && u.used() > 100, "codes used: " + u.used());
        used[0] = bean.getCurrentThreadAllocatedBytes() - start;
        return null;
      });
      assertTrue(before >= 0);
      // everything allocated, garbage included (the Vector API boxes its vectors until the JIT has compiled it), stays
      // below 1 GB; one int counter per code would need 16 GB at 2^32 codes, the codewords 256 GB
      assertTrue(used[0] < 1L << 30, dims + " dimensions allocated " + used[0] + " bytes");
    }
  }

  @Property(tries = 5)
  void savedModelsGiveTheSameCodesWhateverTheThreads(@ForAll long seed) throws Exception {
    FloatMatrix x = SyntheticData.gaussianClusters(3000, 24, 8, 0.4, seed);
    QuantizerFamily family = QuantizerFamily.forName("fsq");
    Quantizer q = family.trainer(ParameterValues.of(family.parameters(), Map.of("bits", "32"))).train(x, seed,
        ProgressListener.NONE);
    assertTrue(q instanceof TransformedQuantizer, "projected by PCA first");
    Path dir = Files.createTempDirectory("fsq");
    ModelStore.save(q, seed, dir.resolve("m"));
    Quantizer back = ModelStore.load(dir.resolve("m"));
    Codes one = Parallel.withThreads(1, () -> back.encode(x));
    Codes two = Parallel.withThreads(2, () -> q.encode(x));
    assertEquals(one, two);
    assertArrayEquals(q.decode(one).data(), back.decode(one).data());
    // the documented layout, read as plain .npy files: codes -> level values -> A^T y + mean
    FloatMatrix a = io.distok.quant.io.Npy.readFloats(dir.resolve("m").resolve("transform-0-0.npy"));
    float[] mean = io.distok.quant.io.Npy.readFloats(dir.resolve("m").resolve("transform-0-1.npy")).rowCopy(0);
    FloatMatrix values = io.distok.quant.io.Npy.readFloats(dir.resolve("m").resolve("level-values-0.npy"));
    FiniteScalarQuantizer inner = (FiniteScalarQuantizer) ((TransformedQuantizer) q).inner();
    int[] levels = inner.levels();
    int[] starts = inner.groupStarts();
    FloatMatrix decoded = q.decode(one);
    for (int i = 0; i < 20; i++) {
      float[] y = new float[levels.length];
      for (int g = 0; g < starts.length; g++) {
        long rest = one.getLong(i, g);
        int end = g + 1 < starts.length ? starts[g + 1] : levels.length;
        for (int t = starts[g]; t < end; t++) {
          y[t] = values.get(t, (int) (rest % levels[t]));
          rest /= levels[t];
        }
      }
      for (int c = 0; c < x.cols(); c++) {
        double v = mean[c];
        for (int t = 0; t < levels.length; t++) {
          v += (double) a.get(t, c) * y[t];
        }
        assertEquals(v, decoded.get(i, c), 1e-3, "numpy-terms decode of row " + i);
      }
    }
    Quantizer again = family.trainer(ParameterValues.of(family.parameters(), Map.of("bits", "32")))
        .train(x, seed, ProgressListener.NONE);
    assertEquals(one, Parallel.withThreads(2, () -> again.encode(x)), "training is deterministic");
  }

  @Test
  void badParametersAreNamed() {
    QuantizerFamily family = QuantizerFamily.forName("fsq");
    var e = assertThrows(InvalidInputException.class, () -> family.trainer(ParameterValues.of(family.parameters(),
        Map.of("levels", "8,1,5"))));
    assertTrue(e.getMessage().contains("--fsq-levels"), e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> family.trainer(ParameterValues.of(family.parameters(),
        Map.of("levels", "8,x"))));
    assertTrue(e.getMessage().contains("--fsq-levels: '8,x' is not a comma-separated list"), e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> family.trainer(ParameterValues.of(family.parameters(),
        Map.of("levels", "4,4", "bits", "8"))));
    assertTrue(e.getMessage().contains("give one"), e.getMessage());
    FloatMatrix x = SyntheticData.gaussianClusters(100, 4, 2, 0.5, 1);
    e = assertThrows(InvalidInputException.class, () -> family.trainer(ParameterValues.of(family.parameters(),
        Map.of("bits", "64", "projection", "none"))).train(x, 1, ProgressListener.NONE));
    assertTrue(e.getMessage().contains("--projection none needs 24-dimensional input"), e.getMessage());
  }

  private static float[] ones(int n) {
    float[] f = new float[n];
    Arrays.fill(f, 1);
    return f;
  }

  private static float[][] zeros(int[] levels) {
    float[][] v = new float[levels.length][];
    for (int t = 0; t < levels.length; t++) {
      v[t] = new float[levels[t]];
    }
    return v;
  }
}
