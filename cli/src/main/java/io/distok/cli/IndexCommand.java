package io.distok.cli;

import io.distok.lucene.index.ItemIndexWriter;
import io.distok.lucene.index.UserFields;
import io.distok.recsys.ItemEmbeddings;
import io.distok.recsys.SemanticIdModel;
import io.distok.recsys.SemanticIdReport;
import io.distok.recsys.SemanticIdStore;
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
    description = "Build or update an on-disk Lucene index of semantic-ID items or graph nodes.",
    subcommands = {IndexCommand.Items.class, GraphIndexCommand.class})
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

    @Option(names = "--vectors", description = "Store each item's vector (in the model's space) for exact "
        + "rescoring; larger index. Only when the index is created.")
    boolean vectors;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter w = spec.commandLine().getOut();
      if (source.input == null && !source.neo4j.enabled() && delete == null) {
        throw CliSupport.usage(spec, "nothing to do: give items (--input FILE or --neo4j-uri) and/or --delete FILE");
      }
      CliSupport.requireDistinct(spec, "--index", index, source.input, source.ids, fields, delete, model);
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
            java.util.Set<String> given = new java.util.HashSet<>(items.ids());
            for (String id : userFields.keySet()) {
              if (!given.contains(id)) {
                throw new InvalidInputException(fields + ": item '" + id + "' is not among the items indexed now ("
                    + (source.input != null ? source.input : "the Neo4j items") + ")");
              }
            }
            added = writer.put(items, userFields, fields == null ? "fields" : fields.toString(), progress);
            put = items.size();
          }
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
}
