package io.distok.quant;

import io.distok.util.FloatMatrix;

import java.util.List;

/**
 * The capability of a {@link Quantizer} whose codewords are stored matrices (VQ, RQ, PQ, AQ): position
 * {@code j}'s codeword {@code c} is row {@code c} of {@link #codebooks()}{@code .get(j)}. Implicit codebooks
 * (FSQ, LFQ, BSQ) implement {@link ImplicitCodebook} instead and never materialise their codewords.
 */
public interface ExplicitCodebooks {

  /**
   * The codebooks, one matrix per code position. For VQ and RQ rows have dimension d; for PQ they have the
   * sub-space dimension d/M. Returned matrices are copies, O(sum K_j d_j).
   */
  List<FloatMatrix> codebooks();
}
