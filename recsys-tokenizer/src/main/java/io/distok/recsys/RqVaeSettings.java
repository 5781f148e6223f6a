package io.distok.recsys;

import io.distok.util.io.JsonFields;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The RQ-VAE recipe of semantic IDs (as TIGER builds them): an MLP encoder maps each embedding to a latent
 * vector, a residual VQ with k-means-initialised codebooks quantizes it, an MLP decoder reconstructs the embedding,
 * and all three are trained together on the reconstruction, commitment and codebook losses with Adam. The IDs are
 * the residual VQ's codes of the frozen encoder's latent vectors.
 *
 * @param hidden width of the encoder's and decoder's one hidden ReLU layer
 * @param latent dimension of the latent vectors the residual VQ quantizes; 0 for the embeddings' own
 * @param epochs passes over the catalogue (early stopping on a held-out tenth may end training sooner)
 * @param learningRate Adam's step size
 * @param batchSize rows per step
 * @param beta weight of the commitment loss
 * @param patience epochs without a better held-out reconstruction before training stops; 0 trains every epoch
 */
public record RqVaeSettings(int hidden, int latent, int epochs, double learningRate, int batchSize, double beta,
    int patience) {

  /** A 128-wide hidden layer, the embeddings' dimension as latent, 50 epochs of Adam at 1e-3, batches of 256. */
  public static final RqVaeSettings DEFAULT = new RqVaeSettings(128, 0, 50, 1e-3, 256, 0.25, 5);

  public RqVaeSettings {
    if (hidden < 1 || latent < 0 || epochs < 1 || batchSize < 1 || patience < 0) {
      throw new IllegalArgumentException("RQ-VAE needs hidden >= 1, latent >= 0, epochs >= 1, batch size >= 1 and"
          + " patience >= 0; got " + hidden + ", " + latent + ", " + epochs + ", " + batchSize + ", " + patience);
    }
    if (!(learningRate > 0) || Double.isInfinite(learningRate) || !(beta >= 0) || Double.isInfinite(beta)) {
      throw new IllegalArgumentException("RQ-VAE needs a finite learning rate > 0 and beta >= 0; got "
          + learningRate + ", " + beta);
    }
  }

  /** The latent dimension for embeddings of dimension {@code d}. */
  public int latentFor(int d) {
    return latent == 0 ? d : latent;
  }

  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("hidden", hidden);
    m.put("latent", latent);
    m.put("epochs", epochs);
    m.put("learningRate", learningRate);
    m.put("batchSize", batchSize);
    m.put("beta", beta);
    m.put("patience", patience);
    return m;
  }

  @SuppressWarnings("unchecked")
  static RqVaeSettings fromJson(Map<?, ?> m, String source) {
    JsonFields f = new JsonFields((Map<String, Object>) m, source, "rqVae entry");
    return new RqVaeSettings(f.integer("hidden"), f.integer("latent"), f.integer("epochs"), f.real("learningRate"),
        f.integer("batchSize"), f.real("beta"), f.integer("patience"));
  }

  @Override
  public String toString() {
    return "rq-vae(hidden " + hidden + ", latent " + (latent == 0 ? "d" : latent) + ", " + epochs + " epochs, lr "
        + learningRate + ", batch " + batchSize + ", beta " + beta + ", patience " + patience + ")";
  }
}
