/**
 * How quantizer families plug in, as Lucene finds a {@code Codec} by name: each family (VQ, RQ, PQ, and any
 * later one) is a {@link io.distok.quant.family.QuantizerFamily} registered in {@code
 * META-INF/services/io.distok.quant.family.QuantizerFamily}. A family declares its name, its parameters as
 * data ({@link io.distok.quant.family.FamilyParameter}), builds its trainer from parameter values, and saves
 * and loads its state through a {@link io.distok.quant.family.ModelState}. The model store and the command
 * line loop over the families found; no family name appears in a switch.
 */
package io.distok.quant.family;
