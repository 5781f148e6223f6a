package io.distok.recsys;

import com.fasterxml.jackson.jr.ob.JSON;
import io.distok.util.InvalidInputException;
import io.distok.util.io.AtomicFiles;
import io.distok.util.io.CsvWriter;
import io.distok.quant.io.ModelStore;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Saves and loads semantic-ID models as a directory: {@code semantic-ids.json} (configuration and versions),
 * {@code quantizer/} (the frozen RQ codebooks, see {@link ModelStore}), {@code items.tsv} (item, raw codes,
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
      ModelStore.save(model.quantizer(), c.seed(), tmp.resolve("quantizer"));
      try (Writer w = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(tmp.resolve(ITEMS)),
          StandardCharsets.UTF_8))) {
        w.write("item\traw\tid\n");
        for (Map.Entry<String, int[]> e : model.idMap().entrySet()) {
          w.write(escape(e.getKey()));
          w.write('\t');
          w.write(join(model.rawMap().get(e.getKey())));
          w.write('\t');
          w.write(join(e.getValue()));
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
    ResidualQuantizer rq = ModelStore.load(dir.resolve("quantizer"), ResidualQuantizer.class);
    LinkedHashMap<String, int[]> raw = new LinkedHashMap<>();
    LinkedHashMap<String, int[]> ids = new LinkedHashMap<>();
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
        try {
          raw.put(unescape(f[0]), parse(f[1]));
          ids.put(unescape(f[0]), parse(f[2]));
        } catch (NumberFormatException e) {
          throw new InvalidInputException(items + ", line " + lineNo + ": codes must be comma-separated integers, "
              + "found '" + f[1] + "' and '" + f[2] + "'");
        }
      }
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(dir + ": " + ITEMS + " is missing");
    }
    return new SemanticIdModel(config, rq, raw, ids);
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
    AtomicFiles.write(outDir.resolve("vocabulary.txt"), out -> out.write((String.join("\n", vocab) + (vocab.isEmpty() ? "" : "\n"))
        .getBytes(StandardCharsets.UTF_8)));
    AtomicFiles.write(outDir.resolve("added_tokens.json"), out -> out.write((JSON.std.asString(vocab) + "\n")
        .getBytes(StandardCharsets.UTF_8)));
    AtomicFiles.write(outDir.resolve("item2id.tsv"), out -> {
      try (CsvWriter w = CsvWriter.open(out, '\t')) {
        w.row("item", "tokens", "codes");
        for (Map.Entry<String, int[]> e : model.idMap().entrySet()) {
          w.row(e.getKey(), model.config().format().format(e.getValue()), join(e.getValue()));
        }
      }
    });
    AtomicFiles.write(outDir.resolve("id2item.tsv"), out -> {
      Map<String, List<String>> byId = new java.util.TreeMap<>();
      for (Map.Entry<String, int[]> e : model.idMap().entrySet()) {
        byId.computeIfAbsent(model.config().format().format(e.getValue()), k -> new ArrayList<>()).add(e.getKey());
      }
      try (CsvWriter w = CsvWriter.open(out, '\t')) {
        w.row("tokens", "item");
        for (Map.Entry<String, List<String>> e : byId.entrySet()) {
          for (String item : e.getValue()) {
            w.row(e.getKey(), item);
          }
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
