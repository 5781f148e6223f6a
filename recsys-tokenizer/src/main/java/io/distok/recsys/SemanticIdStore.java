package io.distok.recsys;

import com.fasterxml.jackson.jr.ob.JSON;
import io.distok.util.InvalidInputException;
import io.distok.util.io.AddedTokens;
import io.distok.util.io.AtomicFiles;
import io.distok.util.io.CsvWriter;
import io.distok.quant.Quantizer;
import io.distok.quant.gradient.MlpTransform;
import io.distok.quant.io.ModelStore;
import io.distok.quant.transform.TransformedQuantizer;
import io.distok.util.io.StoreHeader;
import io.distok.util.io.Version;
import io.distok.quant.rq.ResidualQuantizer;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Saves and loads semantic-ID models as a directory: {@code semantic-ids.json} (configuration and versions),
 * {@code quantizer/} (the frozen RQ codebooks, behind the MLP encoder for RQ-VAE; see {@link ModelStore}),
 * {@code items.tsv} (item, raw codes,
 * final codes, in fit order) and optionally {@code report.json}. Writes are atomic; a reloaded model gives
 * the same IDs and the same IDs to new items, bit for bit.
 *
 * <p>Also exports what an LLM stack consumes: the token vocabulary, a JSON list of added tokens, and item
 * {@code <->} ID maps.
 */
public final class SemanticIdStore {
  public static final int FORMAT_VERSION = 1;
  private static final String FORMAT = "distok-semantic-ids";
  private static final String META = "semantic-ids.json";
  private static final String ITEMS = "items.tsv";
  private static final String REPORT = "report.json";

  private SemanticIdStore() {}

  /** Writes the model (and the report when not null) to {@code dir}, replacing what was there. */
  public static void save(SemanticIdModel model, SemanticIdReport report, Path dir) throws IOException {
    AtomicFiles.writeDirectory(dir, tmp -> {
      SemanticIdConfig c = model.config();
      Map<String, Object> meta = StoreHeader.create(FORMAT, FORMAT_VERSION);
      meta.putAll(c.toJson());
      meta.put("items", model.size());
      ModelStore.save(model.embeddingQuantizer(), c.seed(), tmp.resolve("quantizer"));
      try (Writer w = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(tmp.resolve(ITEMS)),
          StandardCharsets.UTF_8))) {
        w.write("item\traw\tid\n");
        for (int row = 0; row < model.size(); row++) {
          w.write(escape(model.itemAt(row)));
          w.write('\t');
          w.write(join(model.rawCodesAt(row)));
          w.write('\t');
          w.write(join(model.codesAt(row)));
          w.write('\n');
        }
      }
      if (report != null) {
        Files.writeString(tmp.resolve(REPORT), JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT)
            .asString(report.toMap()) + "\n");
      }
      StoreHeader.recordChecksums(meta, tmp, List.of(ITEMS));
      StoreHeader.write(tmp.resolve(META), meta);
    });
  }

  /** Loads a model written by {@link #save}. */
  public static SemanticIdModel load(Path dir) throws IOException {
    Map<String, Object> meta = StoreHeader.read(dir, META, FORMAT, FORMAT_VERSION, "a distok semantic-ID model");
    SemanticIdConfig config = SemanticIdConfig.fromJson(meta, dir.resolve(META).toString());
    Quantizer stored = ModelStore.load(dir.resolve("quantizer"));
    ResidualQuantizer rq;
    MlpTransform encoder = null;
    if (stored instanceof ResidualQuantizer r) {
      rq = r;
    } else if (stored instanceof TransformedQuantizer t && t.inner() instanceof ResidualQuantizer r
        && t.transforms().size() == 1 && t.transforms().get(0) instanceof MlpTransform m) {
      rq = r;
      encoder = m;
    } else {
      throw new InvalidInputException(dir.resolve("quantizer") + ": a " + stored.method() + " model, not the"
          + " residual quantizer (with or without an MLP encoder) of a semantic-ID model");
    }
    if (config.rqVae() != null && encoder == null || config.rqVae() == null && encoder != null) {
      throw new InvalidInputException(dir + ": the configuration's recipe is " + config.recipe() + " but the saved"
          + " quantizer " + (encoder == null ? "has no" : "has an") + " encoder");
    }
    int declared = meta.get("items") instanceof Number num ? (int) Math.min(Integer.MAX_VALUE, num.longValue()) : 0;
    ItemTable table = SemanticIdModel.newTable(config, Math.max(16, declared));
    int rawWidth = config.levels();
    int finWidth = rawWidth + CollisionPolicy.of(config.collision(), config.suffixSize()).extraLevels();
    int[] positionSizes = new SemanticIdModel(config, rq, table, 0).positionSizes();
    Path items = dir.resolve(ITEMS);
    try (BufferedReader r = Files.newBufferedReader(items, StandardCharsets.UTF_8)) {
      String line = r.readLine();
      int lineNo = 1;
      while ((line = r.readLine()) != null) {
        lineNo++;
        String[] f = line.split("\t", -1);
        if (f.length != 3) {
          throw new InvalidInputException(items + ", line " + lineNo + ": expected 3 tab-separated fields");
        }
        int[] raw;
        int[] fin;
        try {
          raw = parse(f[1]);
          fin = parse(f[2]);
        } catch (NumberFormatException e) {
          throw new InvalidInputException(items + ", line " + lineNo + ": codes must be comma-separated integers, "
              + "found '" + f[1] + "' and '" + f[2] + "'");
        }
        if (raw.length != rawWidth || fin.length != finWidth) {
          throw new InvalidInputException(items + ", line " + lineNo + ": expected " + rawWidth + " raw and "
              + finWidth + " final codes, found " + raw.length + " and " + fin.length);
        }
        for (int j = 0; j < fin.length; j++) {
          if (fin[j] < 0 || fin[j] >= positionSizes[j] || (j < raw.length && (raw[j] < 0 || raw[j] >= positionSizes[j]))) {
            throw new InvalidInputException(items + ", line " + lineNo + ": code out of range at position " + (j + 1)
                + " (sizes " + java.util.Arrays.toString(positionSizes) + ")");
          }
        }
        String name = unescape(f[0]);
        if (table.find(name, table.size()) >= 0) {
          throw new InvalidInputException(items + ", line " + lineNo + ": item '" + name + "' appears twice");
        }
        table.append(name, raw, fin);
      }
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(dir + ": " + ITEMS + " is missing");
    }
    return new SemanticIdModel(config, rq, encoder, table, table.size());
  }

  /** The report saved with the model, or null. */
  public static SemanticIdReport loadReport(Path dir) throws IOException {
    if (!Files.exists(dir.resolve(REPORT))) {
      return null;
    }
    return SemanticIdReport.fromMap(readJson(dir.resolve(REPORT), ""), dir.resolve(REPORT).toString());
  }

  /**
   * Writes {@code vocabulary.txt} (one token per line), {@code added_tokens.json} (a JSON list of the tokens
   * to add to an LLM tokenizer), {@code item2id.tsv} (item, tokens, codes) and {@code id2item.tsv} (tokens,
   * item; one row per item, sorted by ID) into {@code outDir}; TSV with RFC 4180 quoting where a field needs it.
   */
  public static void export(SemanticIdModel model, Path outDir) throws IOException {
    Files.createDirectories(outDir);
    List<String> vocab = model.vocabulary();
    AddedTokens.write(outDir, vocab);
    TokenFormat format = model.config().format();
    AtomicFiles.write(outDir.resolve("item2id.tsv"), out -> {
      try (CsvWriter w = CsvWriter.open(out, '\t')) {
        w.row("item", "tokens", "codes");
        for (int row = 0; row < model.size(); row++) {
          int[] codes = model.codesAt(row);
          w.row(model.itemAt(row), format.format(codes), join(codes));
        }
      }
    });
    AtomicFiles.write(outDir.resolve("id2item.tsv"), out -> {
      String[] tokens = new String[model.size()];
      Integer[] order = new Integer[model.size()];
      for (int row = 0; row < tokens.length; row++) {
        tokens[row] = format.format(model.codesAt(row));
        order[row] = row;
      }
      // by token string, items of one ID in fit order (the sort is stable)
      java.util.Arrays.sort(order, (a, b) -> tokens[a].compareTo(tokens[b]));
      try (CsvWriter w = CsvWriter.open(out, '\t')) {
        w.row("tokens", "item");
        for (int row : order) {
          w.row(tokens[row], model.itemAt(row));
        }
      }
    });
  }

  private static Map<String, Object> readJson(Path f, String missing) throws IOException {
    try {
      return JSON.std.mapFrom(Files.readString(f));
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(missing);
    } catch (IOException e) {
      if (e instanceof com.fasterxml.jackson.core.JsonProcessingException) {
        throw new InvalidInputException(f + ": not valid JSON");
      }
      throw e;
    }
  }

  static String join(int[] codes) {
    StringBuilder sb = new StringBuilder();
    for (int j = 0; j < codes.length; j++) {
      sb.append(j == 0 ? "" : ",").append(codes[j]);
    }
    return sb.toString();
  }

  static int[] parse(String s) {
    String[] p = s.split(",");
    int[] out = new int[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = Integer.parseInt(p[i]);
    }
    return out;
  }

  static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
  }

  static String unescape(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        sb.append(switch (n) {
          case 't' -> '\t';
          case 'n' -> '\n';
          case 'r' -> '\r';
          default -> n;
        });
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
