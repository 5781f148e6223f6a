package io.distok.quant.transform;

import io.distok.quant.CodeLayout;
import io.distok.quant.Codes;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.quant.Quantizer;
import io.distok.quant.QuantizerTrainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A quantizer of any family behind a chain of {@link VectorTransform}s (faiss's {@code IndexPreTransform}):
 * encoding applies the transforms in order and encodes the result, decoding decodes and applies their reverses
 * in the opposite order. Its method, layout and codes are the inner quantizer's; the model store saves the
 * chain with the model. Cost: the transforms' plus the inner quantizer's.
 */
public final class TransformedQuantizer implements Quantizer {
  private final List<VectorTransform> transforms;
  private final Quantizer inner;

  /**
   * Composes {@code transforms} (applied first to last) with {@code inner}.
   *
   * @throws IllegalArgumentException if the dimensions do not chain or the list is empty
   */
  public TransformedQuantizer(List<VectorTransform> transforms, Quantizer inner) {
    // a family that projects its input itself (FSQ, LFQ, BSQ) is itself transformed: one flat chain, so that the
    // model store saves every transform once and the family only its inner state
    if (inner instanceof TransformedQuantizer t) {
      List<VectorTransform> chain = new ArrayList<>(transforms);
      chain.addAll(t.transforms);
      transforms = chain;
      inner = t.inner;
    }
    if (transforms.isEmpty()) {
      throw new IllegalArgumentException("a transformed quantizer needs at least one transform");
    }
    for (int i = 1; i < transforms.size(); i++) {
      if (transforms.get(i).inputDimension() != transforms.get(i - 1).outputDimension()) {
        throw new IllegalArgumentException("transform " + i + " takes " + transforms.get(i).inputDimension()
            + " dimensions but transform " + (i - 1) + " gives " + transforms.get(i - 1).outputDimension());
      }
    }
    if (transforms.get(transforms.size() - 1).outputDimension() != inner.dimension()) {
      throw new IllegalArgumentException("the transforms give " + transforms.get(transforms.size() - 1)
          .outputDimension() + " dimensions but the " + inner.method() + " model takes " + inner.dimension());
    }
    this.transforms = List.copyOf(transforms);
    this.inner = inner;
  }

  /**
   * A trainer that fits the transform chain on the data (each step on the previous one's output), then trains
   * {@code inner} on the transformed data. Deterministic for a seed: step {@code i} gets {@code seed + i + 1}.
   */
  public static QuantizerTrainer<TransformedQuantizer> trainer(List<TransformStep> steps,
      QuantizerTrainer<? extends Quantizer> inner) {
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("no transform steps");
    }
    List<TransformStep> chain = List.copyOf(steps);
    return (data, seed, progress) -> {
      data.requireFinite("training data");
      List<VectorTransform> fitted = new ArrayList<>();
      FloatMatrix x = data;
      for (int i = 0; i < chain.size(); i++) {
        progress.progress("transforms", i, chain.size());
        VectorTransform t = chain.get(i).fit(x, seed + i + 1);
        fitted.add(t);
        x = t.apply(x);
      }
      progress.progress("transforms", chain.size(), chain.size());
      return new TransformedQuantizer(fitted, inner.train(x, seed, progress));
    };
  }

  /** The transforms, first applied first. */
  public List<VectorTransform> transforms() {
    return transforms;
  }

  /** The quantizer of the transformed vectors. */
  public Quantizer inner() {
    return inner;
  }

  /** Applies the chain to {@code x}. */
  public FloatMatrix transform(FloatMatrix x) {
    FloatMatrix y = x;
    for (VectorTransform t : transforms) {
      y = t.apply(y);
    }
    return y;
  }

  @Override
  public String method() {
    return inner.method();
  }

  @Override
  public int dimension() {
    return transforms.get(0).inputDimension();
  }

  @Override
  public CodeLayout layout() {
    return inner.layout();
  }

  @Override
  public Map<String, Object> parameters() {
    Map<String, Object> p = new LinkedHashMap<>(inner.parameters());
    p.put("transforms", String.join(",", transforms.stream().map(TransformedQuantizer::describe).toList()));
    return p;
  }

  static String describe(VectorTransform t) {
    return t instanceof LinearTransform l ? l.source() + ":" + l.outputDimension() : t.kind();
  }

  @Override
  public Codes encode(FloatMatrix x) {
    requireCompatible(x, "input");
    return inner.encode(transform(x));
  }

  @Override
  public FloatMatrix decode(Codes codes) {
    FloatMatrix y = inner.decode(codes);
    for (int i = transforms.size() - 1; i >= 0; i--) {
      y = transforms.get(i).reverse(y);
    }
    return y;
  }

  @Override
  public void requireCompatible(FloatMatrix x, String source) {
    if (x.cols() != dimension()) {
      throw new InvalidInputException(source + ": dimension " + x.cols() + " != " + dimension() + " expected by the "
          + method() + " model");
    }
    x.requireFinite(source);
  }
}
