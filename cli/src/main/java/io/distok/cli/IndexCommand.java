package io.distok.cli;

import io.distok.lucene.index.ItemIndexWriter;
import io.distok.lucene.index.UserFields;
import io.distok.recsys.ItemEmbeddings;
import io.distok.recsys.SemanticIdModel;
import io.distok.recsys.SemanticIdReport;
import io.distok.recsys.SemanticIdStore;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code distok index}: build or update a Lucene index of tokenized items or graph nodes. */
@Command(name = "index", mixinStandardHelpOptions = true,
    description = "Build or update an on-disk Lucene index of semantic-ID items, quantizer codes or graph nodes.",
    subcommands = {IndexCommand.Items.class, IndexCommand.CodesIndex.class, GraphIndexCommand.class})
public final class IndexCommand implements Runnable {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "items", mixinStandardHelpOptions = true,
      description = "Index items with a fitted semantic-ID model: adds new items (they get stable IDs and the model "
          + "is updated), replaces items indexed before, deletes --delete ids; one commit at the end.")
  static final class Items implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Semantic-ID model directory (semantic-ids fit); "
        + "updated in place when items new to it are indexed.")
    Path model;

    @Option(names = "--index", required = true, description = "Index directory (created when absent).")
    Path index;

    @Mixin
    SemanticIdsCommand.ItemSource source;

    @Option(names = "--fields", description = "User fields as JSONL: {\"id\": ..., \"title\": ..., \"price\": ...} per "
        + "line; text, numbers and flags.")
    Path fields;

    @Option(names = "--delete", description = "Ids of items to remove from the index, one per line.")
    Path delete;

    @Option(names = "--tokens", description = "Index items the model already knows from a token file, "
        + "item<TAB>tokens per line (as semantic-ids assign --ids-out and export item2id.tsv write; a header line "
        + "item<TAB>... is skipped); each ID must be the model's. No vectors: vector search rescores them from codes.")
    Path tokens;

    @Option(names = "--vectors", description = "Store each item's vector (in the model's space) for exact "
        + "rescoring; larger index. Only when the index is created.")
    boolean vectors;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter w = spec.commandLine().getOut();
      if (source.input == null && !source.neo4j.enabled() && delete == null && tokens == null) {
        throw CliSupport.usage(spec, "nothing to do: give items (--input FILE, --neo4j-uri or --tokens FILE) and/or "
            + "--delete FILE");
      }
      if (tokens != null && (source.input != null || source.neo4j.enabled())) {
        throw CliSupport.usage(spec, "--tokens indexes items by their IDs alone; drop --input / --neo4j-uri");
      }
      CliSupport.requireDistinct(spec, "--index", index, source.input, source.ids, fields, delete, model, tokens);
      SemanticIdModel m = SemanticIdStore.load(model);
      Map<String, Map<String, Object>> userFields = fields == null ? Map.of() : UserFields.read(fields);
      List<String> deletes = delete == null ? List.of() : ItemEmbeddings.readIds(delete);
      long t0 = System.nanoTime();
      try (TerminalProgress progress = TerminalProgress.create();
          ItemIndexWriter writer = ItemIndexWriter.open(index, m, vectors, model.toString())) {
        int put = 0;
        List<String> added = List.of();
        if (source.input != null || source.neo4j.enabled()) {
          try (SemanticIdsCommand.ItemSource.Loaded loaded = source.load(progress)) {
            ItemEmbeddings items = loaded.items();
            requireFieldItems(fields, userFields, items.ids(), "is not among the items indexed now ("
                + (source.input != null ? source.input : "the Neo4j items") + ")");
            // Neo4j keys keep their type (an integer key property makes an index of long keys)
            added = writer.put(items, loaded.nodes() == null ? null : loaded.nodes().keys(), userFields,
                fields == null ? "fields" : fields.toString(), progress);
            put = items.size();
          }
        }
        if (tokens != null) {
          List<String> known = knownItems(m, tokens);
          requireFieldItems(fields, userFields, known, "is not in " + tokens);
          writer.putKnown(known, userFields, fields == null ? "fields" : fields.toString(), progress);
          put = known.size();
        }
        writer.delete(deletes);
        if (!added.isEmpty()) {
          // the model first: if the index commit then fails, the model merely knows items not indexed yet, and
          // indexing them again gives the same IDs
          SemanticIdModel grown = writer.model();
          SemanticIdStore.save(grown, SemanticIdReport.refreshed(SemanticIdStore.loadReport(model), grown), model);
        }
        writer.commit();
        w.printf(Locale.ROOT, "indexed %d items (%d new to the model%s), deleted %d ids, into %s in %.2f s%s%n", put,
            added.size(), added.isEmpty() ? "" : ", model updated", deletes.size(), index,
            (System.nanoTime() - t0) / 1e9, writer.storesVectors() ? " (vectors stored)" : "");
      }
      return 0;
    }
  }

  @Command(name = "codes", mixinStandardHelpOptions = true,
      description = "Index the codes of a quantizer model (quantize encode's output) for vector search, without a "
          + "semantic-ID model: adds or replaces items by id, deletes --delete ids; one commit at the end.")
  static final class CodesIndex implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Quantizer model directory (quantize fit) that made "
        + "the codes.")
    Path model;

    @Option(names = "--index", required = true, description = "Index directory (created when absent).")
    Path index;

    @Option(names = "--codes", description = "Codes file as quantize encode writes it: .npy, or CSV/TSV with a "
        + "header [id,]c0,c1,...")
    Path codes;

    @Option(names = "--ids", description = "Item ids, one per line in the codes' row order (default: the codes "
        + "file's id column, else row numbers from 0).")
    Path ids;

    @Option(names = "--vectors", description = "The items' vectors, rows as the codes (.npy, .fvecs, CSV): stored "
        + "for exact rescoring; larger index. Only when the index is created; required after that.")
    Path vectors;

    @Option(names = "--fields", description = "User fields as JSONL: {\"id\": ..., \"title\": ..., \"price\": ...} "
        + "per line; text, numbers and flags.")
    Path fields;

    @Option(names = "--delete", description = "Ids of items to remove from the index, one per line.")
    Path delete;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (codes == null && delete == null) {
        throw CliSupport.usage(spec, "nothing to do: give --codes FILE and/or --delete FILE");
      }
      if (codes == null && (ids != null || vectors != null || fields != null)) {
        throw CliSupport.usage(spec, "--ids, --vectors and --fields describe the items of --codes; give --codes");
      }
      CliSupport.requireDistinct(spec, "--index", index, codes, ids, vectors, fields, delete, model);
      io.distok.quant.Quantizer q = io.distok.quant.io.ModelStore.load(model);
      io.distok.quant.io.CodesFile.Labeled labeled = codes == null ? null : io.distok.quant.io.CodesFile.read(codes);
      List<String> itemIds = labeled == null ? List.of() : idsOf(labeled);
      FloatMatrix x = vectors == null ? null : io.distok.quant.io.MatrixReader.read(vectors).matrix();
      Map<String, Map<String, Object>> userFields = fields == null ? Map.of() : UserFields.read(fields);
      requireFieldItems(fields, userFields, itemIds, "is not among the items of " + codes);
      List<String> deletes = delete == null ? List.of() : ItemEmbeddings.readIds(delete);
      long t0 = System.nanoTime();
      try (TerminalProgress progress = TerminalProgress.create();
          io.distok.lucene.index.CodesIndexWriter writer = io.distok.lucene.index.CodesIndexWriter.open(index, q,
              x != null, model.toString())) {
        if (x != null && !writer.storesVectors()) {
          throw CliSupport.usage(spec, "--vectors: " + index + " was created without vectors; index into a new "
              + "directory to store them");
        }
        if (labeled != null) {
          writer.put(itemIds, labeled.codes(), x, userFields, codes.toString(), progress);
        }
        writer.delete(deletes);
        writer.commit();
        spec.commandLine().getOut().printf(Locale.ROOT, "indexed %d items, deleted %d ids, into %s in %.2f s%s%n",
            itemIds.size(), deletes.size(), index, (System.nanoTime() - t0) / 1e9,
            writer.storesVectors() ? " (vectors stored)" : "");
      }
      return 0;
    }

    private List<String> idsOf(io.distok.quant.io.CodesFile.Labeled labeled) throws java.io.IOException {
      int n = labeled.codes().rows();
      if (ids != null) {
        List<String> read = ItemEmbeddings.readIds(ids);
        if (read.size() != n) {
          throw new InvalidInputException(ids + ": " + read.size() + " ids but " + codes + " has " + n + " rows");
        }
        return read;
      }
      if (labeled.ids() != null) {
        return labeled.ids();
      }
      List<String> rows = new java.util.ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        rows.add(Integer.toString(i));
      }
      return rows;
    }
  }

  /**
   * Checks that every item the fields file gives fields for is among {@code ids}: a field for an item not indexed
   * would be silently dropped.
   *
   * @throws InvalidInputException naming the fields file, the first such item and {@code problem}
   */
  static void requireFieldItems(Path fields, Map<String, Map<String, Object>> userFields,
      java.util.Collection<String> ids, String problem) {
    java.util.Set<String> given = new java.util.HashSet<>(ids);
    for (String id : userFields.keySet()) {
      if (!given.contains(id)) {
        throw new InvalidInputException(fields + ": item '" + id + "' " + problem);
      }
    }
  }

  /**
   * The items of a token file, each checked against the model: it must be the model's item with exactly that ID,
   * so that the index stays consistent with the model.
   */
  static List<String> knownItems(SemanticIdModel m, Path file) throws java.io.IOException {
    List<String> out = new java.util.ArrayList<>();
    try (java.io.Reader r = java.nio.file.Files.newBufferedReader(file);
        org.apache.commons.csv.CSVParser parser = org.apache.commons.csv.CSVParser.builder().setReader(r)
            .setFormat(io.distok.util.io.CsvWriter.format('\t')).get()) {
      for (org.apache.commons.csv.CSVRecord rec : parser) {
        String where = file + ":" + parser.getCurrentLineNumber();
        if (rec.getRecordNumber() == 1 && rec.size() >= 2 && rec.get(0).equals("item") && rec.get(1).equals("tokens")) {
          continue;
        }
        if (rec.size() == 1 && rec.get(0).isBlank()) {
          continue;
        }
        if (rec.size() < 2) {
          throw new InvalidInputException(where + ": expected item<TAB>tokens");
        }
        String item = rec.get(0);
        if (!m.contains(item)) {
          throw new InvalidInputException(where + ": item '" + item + "' is not in the model");
        }
        if (!m.tokens(item).equals(rec.get(1))) {
          throw new InvalidInputException(where + ": item '" + item + "' has the ID " + m.tokens(item)
              + " in the model, not " + rec.get(1) + " (a token file of another model?)");
        }
        out.add(item);
      }
    } catch (java.io.UncheckedIOException e) {
      throw new InvalidInputException(file + ": unreadable as TSV (" + e.getCause().getMessage() + ")");
    }
    return out;
  }
}
