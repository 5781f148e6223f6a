/**
 * Vector transforms applied before a quantizer, as faiss's {@code VectorTransform} and {@code
 * IndexPreTransform}: {@link io.distok.quant.transform.L2Normalization} (the project's one row normaliser), and
 * {@link io.distok.quant.transform.LinearTransform} for PCA (optionally whitened), random rotations, ITQ-style
 * learned rotations and any given linear map. {@link io.distok.quant.transform.TransformedQuantizer} composes
 * them with a quantizer of any family and is saved with the model.
 */
package io.distok.quant.transform;
