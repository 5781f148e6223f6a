/**
 * Semantic IDs for recommendation items: item embeddings are quantized by residual quantization into short
 * tuples of tokens such as {@code <a_12><b_200><c_37><d_0>} (TIGER-style), with balanced assignment against
 * codebook collapse and collisions, pluggable collision policies, stable IDs for new items, a prefix trie for
 * constrained decoding and a quality report.
 *
 * <p>Entry points: {@link io.distok.recsys.SemanticIdTrainer} (fit), {@link io.distok.recsys.SemanticIdModel}
 * (IDs, tokens, new items), {@link io.distok.recsys.SemanticIdReport}, {@link io.distok.recsys.SemanticIdStore}.
 */
package io.distok.recsys;
