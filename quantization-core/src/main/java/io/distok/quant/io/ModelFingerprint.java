package io.distok.quant.io;

import io.distok.quant.Quantizer;
import io.distok.quant.family.FamilyParameter;
import io.distok.quant.family.QuantizerFamily;
import io.distok.quant.gradient.Mlp;
import io.distok.quant.gradient.MlpTransform;
import io.distok.quant.transform.LinearTransform;
import io.distok.quant.transform.TransformedQuantizer;
import io.distok.quant.transform.VectorTransform;
import io.distok.util.FloatMatrix;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * A model's identity as a hex SHA-256 of what its codes depend on: method, dimension, code layout, transforms, every
 * matrix of the state its family saves (shapes and float bits, in the order the family writes them) and the values
 * of the family's {@link QuantizerFamily#encodeParameters() encode parameters} (RQ's beam). Training settings
 * (iterations, seeding, how levels were balanced) are not part of it: two models with the same state encode alike,
 * whatever file, seed or run they came from. An index or a token file records the fingerprint of the model that
 * made it and refuses another. Cost O(size of the state), no files written.
 */
public final class ModelFingerprint {
  private ModelFingerprint() {}

  /** The fingerprint of {@code model}. */
  public static String of(Quantizer model) {
    MessageDigest digest = sha256();
    Quantizer q = model instanceof TransformedQuantizer t ? t.inner() : model;
    QuantizerFamily family = QuantizerFamily.forName(q.method());
    text(digest, "method=" + q.method() + ";dimension=" + model.dimension() + ";layout=" + q.layout() + ";");
    Map<String, Object> parameters = q.parameters();
    for (FamilyParameter p : family.encodeParameters()) {
      text(digest, p.name() + "=" + parameters.get(p.name()) + ";");
    }
    if (model instanceof TransformedQuantizer t) {
      for (VectorTransform v : t.transforms()) {
        text(digest, "transform=" + v.kind() + ":" + v.inputDimension() + ";");
        if (v instanceof LinearTransform l) {
          matrix(digest, l.matrix());
          matrix(digest, FloatMatrix.wrap(l.mean(), 1, l.inputDimension()));
        } else if (v instanceof MlpTransform mlp) {
          for (Mlp net : java.util.List.of(mlp.encoder(), mlp.decoder())) {
            text(digest, "layers=" + net.activations() + ";");
            for (FloatMatrix m : net.matrices()) {
              matrix(digest, m);
            }
          }
        }
      }
    }
    try {
      family.write(q, (key, prefix, matrices) -> {
        text(digest, "group=" + key + ";");
        for (FloatMatrix m : matrices) {
          matrix(digest, m);
        }
      });
    } catch (IOException e) {
      // the writer above does no I/O
      throw new UncheckedIOException(e);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /**
   * The fingerprint of a model together with further settings that change what its tokens mean (e.g. a
   * semantic-ID model's collision policy and token format): SHA-256 of the model's fingerprint and the settings'
   * entries in key order.
   */
  public static String of(Quantizer model, Map<String, ?> settings) {
    MessageDigest digest = sha256();
    text(digest, of(model) + ";");
    for (Map.Entry<String, ?> e : new TreeMap<>(settings).entrySet()) {
      text(digest, e.getKey() + "=" + e.getValue() + ";");
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static void text(MessageDigest digest, String s) {
    digest.update(s.getBytes(StandardCharsets.UTF_8));
  }

  private static void matrix(MessageDigest digest, FloatMatrix m) {
    text(digest, "matrix=" + m.rows() + "x" + m.cols() + ";");
    float[] a = m.data();
    int n = m.rows() * m.cols();
    byte[] buf = new byte[4 * Math.max(1, Math.min(n, 4096))];
    for (int from = 0; from < n; from += buf.length / 4) {
      int to = Math.min(n, from + buf.length / 4);
      for (int i = from; i < to; i++) {
        int bits = Float.floatToIntBits(a[i]);
        int p = 4 * (i - from);
        buf[p] = (byte) (bits >>> 24);
        buf[p + 1] = (byte) (bits >>> 16);
        buf[p + 2] = (byte) (bits >>> 8);
        buf[p + 3] = (byte) bits;
      }
      digest.update(buf, 0, 4 * (to - from));
    }
  }

  /** For callers that keep fingerprints in lists (e.g. an index of several models): the short form, 16 hex digits. */
  public static String shortForm(String fingerprint) {
    return fingerprint.substring(0, Math.min(16, fingerprint.length()));
  }
}
