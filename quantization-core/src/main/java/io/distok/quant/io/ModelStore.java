package io.distok.quant.io;

import com.fasterxml.jackson.jr.ob.JSON;
import io.distok.quant.FloatMatrix;
import io.distok.quant.InvalidInputException;
import io.distok.quant.Quantizer;
import io.distok.quant.kmeans.KMeansParams;
import io.distok.quant.pq.ProductQuantizer;
import io.distok.quant.rq.ResidualQuantizer;
import io.distok.quant.rq.ResidualQuantizerParams;
import io.distok.quant.vq.VectorQuantizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Saves and loads trained quantizers as a directory: {@code model.json} (method, parameters, seed, library
 * version, format version, and the SHA-256 of every codebook file) plus one {@code codebook-J.npy} per
 * codebook, float32, loadable by numpy and faiss users. Loading verifies format version and checksums and
 * gives back a model that produces bit-identical codes.
 */
public final class ModelStore {
  /** Version of the on-disk layout; bumped on incompatible change. */
  public static final int FORMAT_VERSION = 1;
  public static final String METADATA_FILE = "model.json";
  private static final String FORMAT = "distok-quantizer";

  private ModelStore() {}

  /** Writes {@code q} to directory {@code dir} atomically (replacing an existing model there). */
  public static void save(Quantizer q, long seed, Path dir) throws IOException {
    AtomicFiles.writeDirectory(dir, tmp -> {
      Map<String, Object> meta = StoreHeader.create(FORMAT, FORMAT_VERSION);
      meta.put("method", q.method());
      meta.put("dimension", q.dimension());
      meta.put("seed", seed);
      meta.put("parameters", q.parameters());
      meta.put("codebooks", writeBooks(tmp, "codebook", q.codebooks()));
      if (q instanceof ResidualQuantizer rq && rq.params().normalizeResiduals()) {
        meta.put("directionCodebooks", writeBooks(tmp, "direction", rq.directionCodebooks()));
      }
      StoreHeader.write(tmp.resolve(METADATA_FILE), meta);
    });
  }

  private static List<Map<String, Object>> writeBooks(Path dir, String prefix, List<FloatMatrix> books)
      throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    for (int j = 0; j < books.size(); j++) {
      String name = prefix + "-" + j + ".npy";
      Path f = dir.resolve(name);
      Npy.write(f, books.get(j));
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("file", name);
      e.put("rows", books.get(j).rows());
      e.put("cols", books.get(j).cols());
      e.put("sha256", sha256(f));
      out.add(e);
    }
    return out;
  }

  /** The seed recorded in a saved model. */
  public static long seed(Path dir) throws IOException {
    return ((Number) readMeta(dir).get("seed")).longValue();
  }

  /**
   * Loads a model saved by {@link #save}.
   *
   * @throws InvalidInputException when the directory is not a model, its format version is not supported or
   *     a codebook file is missing or fails its checksum
   */
  public static Quantizer load(Path dir) throws IOException {
    Map<String, Object> meta = readMeta(dir);
    String method = String.valueOf(meta.get("method"));
    @SuppressWarnings("unchecked")
    Map<String, Object> p = (Map<String, Object>) meta.get("parameters");
    List<FloatMatrix> books = readBooks(dir, meta, "codebooks");
    int dim = ((Number) meta.get("dimension")).intValue();
    KMeansParams km;
    try {
      km = new KMeansParams(firstInt(p.get("K")), num(p, "niter").intValue(),
          num(p, "maxPointsPerCentroid").intValue(), num(p, "tolerance").doubleValue(),
          Boolean.TRUE.equals(p.get("kmeansPlusPlus")));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(dir.resolve(METADATA_FILE) + ": bad parameters (" + e.getMessage() + ")");
    }
    Quantizer q;
    try {
      q = build(dir, meta, method, p, books, km);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(dir.resolve(METADATA_FILE) + ": inconsistent model (" + e.getMessage() + ")");
    }
    if (q.dimension() != dim) {
      throw new InvalidInputException(dir + ": codebooks give dimension " + q.dimension() + " but " + METADATA_FILE
          + " says " + dim);
    }
    return q;
  }

  private static Quantizer build(Path dir, Map<String, Object> meta, String method, Map<String, Object> p,
      List<FloatMatrix> books, KMeansParams km) throws IOException {
    return switch (method) {
      case "vq" -> new VectorQuantizer(books.get(0), km);
      case "pq" -> new ProductQuantizer(books, km);
      case "rq" -> {
        @SuppressWarnings("unchecked")
        List<Number> ks = (List<Number>) p.get("K");
        int[] sizes = ks.stream().mapToInt(Number::intValue).toArray();
        boolean normalize = Boolean.TRUE.equals(p.get("normalizeResiduals"));
        int refine = p.get("refineRounds") instanceof Number r ? r.intValue() : 0;
        int trainBeam = p.get("trainBeam") instanceof Number b ? b.intValue() : 1;
        var params = new ResidualQuantizerParams(sizes, km, num(p, "beam").intValue(), normalize, refine, trainBeam);
        yield new ResidualQuantizer(books, normalize ? readBooks(dir, meta, "directionCodebooks") : null, params);
      }
      default -> throw new InvalidInputException(dir + ": unknown method '" + method + "' in " + METADATA_FILE);
    };
  }

  private static Map<String, Object> readMeta(Path dir) throws IOException {
    return StoreHeader.read(dir, METADATA_FILE, FORMAT, FORMAT_VERSION, "a distok quantizer model");
  }

  private static List<FloatMatrix> readBooks(Path dir, Map<String, Object> meta, String key) throws IOException {
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> entries = (List<Map<String, Object>>) meta.get(key);
    if (entries == null || entries.isEmpty()) {
      throw new InvalidInputException(dir.resolve(METADATA_FILE) + ": no " + key);
    }
    List<FloatMatrix> books = new ArrayList<>();
    for (Map<String, Object> e : entries) {
      String name = String.valueOf(e.get("file"));
      Path f = dir.resolve(name).normalize();
      if (!f.startsWith(dir.normalize())) {
        throw new InvalidInputException(dir + ": codebook path escapes the model directory: " + name);
      }
      if (!Files.exists(f)) {
        throw new InvalidInputException(dir + ": codebook file " + name + " is missing");
      }
      String actual = sha256(f);
      if (!actual.equals(e.get("sha256"))) {
        throw new InvalidInputException(f + ": checksum mismatch (expected " + e.get("sha256") + ", found " + actual
            + "); the model is corrupt or was modified");
      }
      FloatMatrix m = Npy.readFloats(f);
      if (m.rows() != num(e, "rows").intValue() || m.cols() != num(e, "cols").intValue()) {
        throw new InvalidInputException(f + ": shape " + m.rows() + " x " + m.cols() + " differs from "
            + METADATA_FILE);
      }
      books.add(m);
    }
    return books;
  }

  private static Number num(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (!(v instanceof Number n)) {
      throw new InvalidInputException(METADATA_FILE + ": missing or non-numeric '" + key + "'");
    }
    return n;
  }

  private static int firstInt(Object k) {
    if (k instanceof Number n) {
      return n.intValue();
    }
    if (k instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Number n) {
      return n.intValue();
    }
    throw new InvalidInputException(METADATA_FILE + ": missing 'K'");
  }

  /** Hex SHA-256 of a file. */
  public static String sha256(Path f) throws IOException {
    return StoreHeader.sha256(f);
  }
}
