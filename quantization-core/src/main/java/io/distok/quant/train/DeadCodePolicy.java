package io.distok.quant.train;

import io.distok.util.FloatMatrix;
import java.util.SplittableRandom;

/** What training does with codes that no row took in a step. */
public interface DeadCodePolicy {

  /**
   * Repairs the dead codes of {@code codewords} in place and updates {@code counts} to the rows each code is
   * expected to take next; returns how many codes were repaired.
   *
   * @param rows number of training rows
   * @param random the training run's random stream (so repairs are a function of the seed)
   */
  int repair(FloatMatrix codewords, int[] counts, int rows, SplittableRandom random);
}
