package io.distok.quant.io;

import io.distok.util.io.AtomicFiles;
import io.distok.util.io.StoreHeader;
import io.distok.util.io.Version;

import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.quant.Quantizer;
import io.distok.quant.family.ModelState;
import io.distok.quant.family.QuantizerFamily;
import io.distok.util.io.JsonFields;
import io.distok.quant.gradient.Activation;
import io.distok.quant.gradient.DenseLayer;
import io.distok.quant.gradient.Mlp;
import io.distok.quant.gradient.MlpTransform;
import io.distok.quant.transform.L2Normalization;
import io.distok.quant.transform.LinearTransform;
import io.distok.quant.transform.TransformedQuantizer;
import io.distok.quant.transform.VectorTransform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Saves and loads trained quantizers of any {@link QuantizerFamily} as a directory: {@code model.json} (method,
 * dimension, parameters, seed, library version, format version, the family's state version, and the SHA-256 of
 * every matrix file) plus the family's matrices as float32 {@code .npy} files (e.g. {@code codebook-J.npy}),
 * loadable by numpy and faiss users. Loading finds the family by the saved method name, verifies format
 * version and checksums, and gives back a model that produces bit-identical codes.
 */
public final class ModelStore {
  /** Version of the on-disk layout; bumped on incompatible change. */
  public static final int FORMAT_VERSION = 1;
  public static final String METADATA_FILE = "model.json";
  private static final String FORMAT = "distok-quantizer";

  private ModelStore() {}

  /** Writes {@code q} to directory {@code dir} atomically (replacing an existing model there). */
  public static void save(Quantizer model, long seed, Path dir) throws IOException {
    Quantizer q = model instanceof TransformedQuantizer t ? t.inner() : model;
    QuantizerFamily family = QuantizerFamily.forName(q.method());
    AtomicFiles.writeDirectory(dir, tmp -> {
      Map<String, Object> meta = StoreHeader.create(FORMAT, FORMAT_VERSION);
      meta.put("method", q.method());
      meta.put("stateVersion", family.stateVersion());
      meta.put("dimension", model.dimension());
      meta.put("seed", seed);
      meta.put("parameters", q.parameters());
      if (model instanceof TransformedQuantizer t) {
        meta.put("transforms", writeTransforms(tmp, t.transforms()));
      }
      family.write(q, (key, prefix, matrices) -> {
        if (meta.containsKey(key)) {
          throw new IllegalArgumentException("matrix group '" + key + "' written twice or clashes with a header key");
        }
        meta.put(key, writeMatrices(tmp, prefix, matrices));
      });
      StoreHeader.write(tmp.resolve(METADATA_FILE), meta);
    });
  }

  /** One entry per transform: its kind, and for a linear map its source and the files of A and the mean. */
  private static List<Map<String, Object>> writeTransforms(Path dir, List<VectorTransform> transforms)
      throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < transforms.size(); i++) {
      VectorTransform t = transforms.get(i);
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("kind", t.kind());
      e.put("inputDimension", t.inputDimension());
      if (t instanceof LinearTransform l) {
        e.put("source", l.source());
        e.put("matrices", writeMatrices(dir, "transform-" + i, List.of(l.matrix(),
            FloatMatrix.wrap(l.mean(), 1, l.inputDimension()))));
      } else if (t instanceof MlpTransform mlp) {
        List<FloatMatrix> layers = new ArrayList<>(mlp.encoder().matrices());
        layers.addAll(mlp.decoder().matrices());
        e.put("encoder", mlp.encoder().activations());
        e.put("decoder", mlp.decoder().activations());
        e.put("matrices", writeMatrices(dir, "transform-" + i, layers));
      } else if (!(t instanceof L2Normalization)) {
        throw new IllegalArgumentException("cannot save a transform of kind " + t.kind());
      }
      out.add(e);
    }
    return out;
  }

  /** An MLP from {@code activations} and the W, b pairs of {@code matrices} starting at pair {@code first}. */
  private static Mlp readMlp(Reader reader, int inputDimension, Object activations, List<FloatMatrix> matrices,
      int first) {
    if (!(activations instanceof List<?> names)) {
      throw new InvalidInputException(reader.source() + ": an mlp transform lacks its layer list");
    }
    List<DenseLayer> layers = new ArrayList<>();
    int in = inputDimension;
    for (int l = 0; l < names.size(); l++) {
      int at = 2 * (first + l);
      if (at + 1 >= matrices.size()) {
        throw new InvalidInputException(reader.source() + ": an mlp transform has fewer matrices than layers");
      }
      FloatMatrix w = matrices.get(at);
      FloatMatrix b = matrices.get(at + 1);
      Activation activation;
      try {
        activation = Activation.valueOf(String.valueOf(names.get(l)));
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException(reader.source() + ": unknown activation '" + names.get(l) + "'");
      }
      if (w.cols() != in || b.rows() != 1 || b.cols() != w.rows()) {
        throw new InvalidInputException(reader.source() + ": mlp layer " + l + " is " + w.rows() + " x " + w.cols()
            + " after " + in + " inputs");
      }
      layers.add(new DenseLayer(w.cols(), w.rows(), activation, w.data().clone(), b.rowCopy(0)));
      in = w.rows();
    }
    return new Mlp(inputDimension, layers);
  }

  private static List<VectorTransform> readTransforms(Reader reader, Object entries) throws IOException {
    if (!(entries instanceof List<?> list) || list.isEmpty()) {
      throw new InvalidInputException(reader.source() + ": 'transforms' is not a list of transforms");
    }
    List<VectorTransform> out = new ArrayList<>();
    for (Object o : list) {
      if (!(o instanceof Map<?, ?> e) || !(e.get("inputDimension") instanceof Number dim)) {
        throw new InvalidInputException(reader.source() + ": a transform entry lacks its kind or dimension");
      }
      String kind = String.valueOf(e.get("kind"));
      if (kind.equals("l2")) {
        out.add(new L2Normalization(dim.intValue()));
      } else if (kind.equals("linear")) {
        List<FloatMatrix> m = reader.matrixList(e.get("matrices"), "transform matrices");
        if (m.size() != 2 || m.get(1).rows() != 1 || m.get(1).cols() != m.get(0).cols()) {
          throw new InvalidInputException(reader.source() + ": a linear transform needs its matrix and its mean");
        }
        out.add(new LinearTransform(m.get(0), m.get(1).rowCopy(0), String.valueOf(e.get("source"))));
      } else if (kind.equals("mlp") && e.get("encoder") instanceof List<?> enc) {
        List<FloatMatrix> m = reader.matrixList(e.get("matrices"), "mlp matrices");
        Mlp encoder = readMlp(reader, dim.intValue(), enc, m, 0);
        Mlp decoder = readMlp(reader, encoder.outputDimension(), e.get("decoder"), m, enc.size());
        if (decoder.outputDimension() != dim.intValue()) {
          throw new InvalidInputException(reader.source() + ": the mlp decoder gives " + decoder.outputDimension()
              + " dimensions, not " + dim);
        }
        out.add(new MlpTransform(encoder, decoder));
      } else {
        throw new InvalidInputException(reader.source() + ": unknown transform kind '" + kind + "'");
      }
    }
    return out;
  }

  private static List<Map<String, Object>> writeMatrices(Path dir, String prefix, List<FloatMatrix> books)
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
   * @throws InvalidInputException when the directory is not a model, its method is unknown, its format or state
   *     version is not supported, or a matrix file is missing or fails its checksum
   */
  public static Quantizer load(Path dir) throws IOException {
    Map<String, Object> meta = readMeta(dir);
    Path file = dir.resolve(METADATA_FILE);
    if (!(meta.get("method") instanceof String method)) {
      throw new InvalidInputException(file + ": no 'method'");
    }
    QuantizerFamily family;
    try {
      family = QuantizerFamily.forName(method);
    } catch (InvalidInputException e) {
      throw new InvalidInputException(file + ": " + e.getMessage());
    }
    Reader reader = new Reader(dir, meta);
    if (reader.stateVersion() > family.stateVersion()) {
      throw new InvalidInputException(file + ": the " + method + " state version " + reader.stateVersion()
          + " is newer than this distok reads (" + family.stateVersion() + "); upgrade distok");
    }
    Quantizer q;
    try {
      q = family.read(reader);
      if (meta.containsKey("transforms")) {
        q = new TransformedQuantizer(readTransforms(reader, meta.get("transforms")), q);
      }
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(file + ": inconsistent model (" + e.getMessage() + ")");
    }
    if (q.dimension() != reader.dimension()) {
      throw new InvalidInputException(dir + ": the model's matrices give dimension " + q.dimension() + " but "
          + METADATA_FILE + " says " + reader.dimension());
    }
    return q;
  }

  /**
   * Loads a model saved by {@link #save} that must be of type {@code type}.
   *
   * @throws InvalidInputException if it is of another family
   */
  public static <Q extends Quantizer> Q load(Path dir, Class<Q> type) throws IOException {
    Quantizer q = load(dir);
    if (!type.isInstance(q)) {
      throw new InvalidInputException(dir + ": a " + q.method() + " model, expected a " + type.getSimpleName());
    }
    return type.cast(q);
  }

  private static Map<String, Object> readMeta(Path dir) throws IOException {
    return StoreHeader.read(dir, METADATA_FILE, FORMAT, FORMAT_VERSION, "a distok quantizer model");
  }

  /** The saved state of one model, read back with every problem reported against {@code model.json}. */
  private static final class Reader implements ModelState.Reader {
    private final Path dir;
    private final Path file;
    private final Map<String, Object> meta;
    private final JsonFields parameters;

    @SuppressWarnings("unchecked")
    Reader(Path dir, Map<String, Object> meta) {
      this.dir = dir;
      this.file = dir.resolve(METADATA_FILE);
      this.meta = meta;
      if (!(meta.get("parameters") instanceof Map<?, ?> p)) {
        throw new InvalidInputException(file + ": no 'parameters'");
      }
      this.parameters = new JsonFields((Map<String, Object>) p, file.toString(), "parameter");
    }

    @Override
    public String source() {
      return file.toString();
    }

    @Override
    public int stateVersion() {
      return meta.get("stateVersion") instanceof Number n ? n.intValue() : 1;
    }

    @Override
    public int dimension() {
      if (!(meta.get("dimension") instanceof Number n)) {
        throw new InvalidInputException(file + ": missing or non-numeric 'dimension'");
      }
      return n.intValue();
    }

    @Override
    public boolean hasMatrices(String key) {
      return meta.get(key) instanceof List<?> l && !l.isEmpty();
    }

    @Override
    public List<FloatMatrix> matrices(String key) throws IOException {
      return matrixList(meta.get(key), key);
    }

    List<FloatMatrix> matrixList(Object group, String key) throws IOException {
      if (!(group instanceof List<?> entries) || entries.isEmpty()) {
        throw new InvalidInputException(file + ": no " + key);
      }
      List<FloatMatrix> out = new ArrayList<>();
      for (Object o : entries) {
        if (!(o instanceof Map<?, ?> e)) {
          throw new InvalidInputException(file + ": an entry of " + key + " is not an object");
        }
        String name = String.valueOf(e.get("file"));
        Path f = dir.resolve(name).normalize();
        if (!f.startsWith(dir.normalize())) {
          throw new InvalidInputException(dir + ": matrix path escapes the model directory: " + name);
        }
        if (!Files.exists(f)) {
          throw new InvalidInputException(dir + ": matrix file " + name + " is missing");
        }
        String actual = sha256(f);
        if (!actual.equals(e.get("sha256"))) {
          throw new InvalidInputException(f + ": checksum mismatch (expected " + e.get("sha256") + ", found " + actual
              + "); the model is corrupt or was modified");
        }
        FloatMatrix m = Npy.readFloats(f);
        if (!(e.get("rows") instanceof Number rows) || !(e.get("cols") instanceof Number cols)
            || m.rows() != rows.intValue() || m.cols() != cols.intValue()) {
          throw new InvalidInputException(f + ": shape " + m.rows() + " x " + m.cols() + " differs from "
              + METADATA_FILE);
        }
        out.add(m);
      }
      return out;
    }

    @Override
    public int intParameter(String name) {
      // a per-level list (RQ's K) reads as its first entry
      if (parameters.get(name) instanceof List<?> l && !l.isEmpty()) {
        return new JsonFields(Map.of(name, l.get(0)), file.toString(), "parameter").integer(name);
      }
      return parameters.integer(name);
    }

    @Override
    public int intParameter(String name, int absent) {
      return parameters.map().containsKey(name) ? intParameter(name) : absent;
    }

    @Override
    public int[] intListParameter(String name) {
      return parameters.get(name) instanceof List<?> ? parameters.integers(name)
          : new int[] {parameters.integer(name)};
    }

    @Override
    public double doubleParameter(String name) {
      return parameters.real(name);
    }

    @Override
    public boolean booleanParameter(String name, boolean absent) {
      return parameters.bool(name, absent);
    }

    @Override
    public long longParameter(String name) {
      return parameters.longInteger(name);
    }

    @Override
    public String textParameter(String name) {
      return parameters.string(name);
    }
  }

  /** Hex SHA-256 of a file. */
  public static String sha256(Path f) throws IOException {
    return StoreHeader.sha256(f);
  }
}
