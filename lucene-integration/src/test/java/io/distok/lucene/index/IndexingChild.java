package io.distok.lucene.index;

import io.distok.recsys.ItemEmbeddings;
import io.distok.recsys.SemanticIdModel;
import io.distok.recsys.SemanticIdTrainer;
import io.distok.testdata.SyntheticData;
import io.distok.util.FloatMatrix;
import io.distok.util.ProgressListener;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The child JVM of {@link InterruptedIndexingTest}: fits the test model, then indexes batches of new items into the
 * index at args[0] and commits after each, printing the committed document count, until it is killed.
 */
public final class IndexingChild {
  static final int BATCH = 200;

  private IndexingChild() {}

  static SemanticIdModel model() {
    return SemanticIdTrainer.fit(ItemEmbeddings.numbered(SyntheticData.gaussianClusters(600, 8, 10, 0.3, 5)),
        io.distok.recsys.SemanticIdConfig.DEFAULT.withCodebookSizes(8, 8, 4).withNiter(5), ProgressListener.NONE);
  }

  public static void main(String[] args) throws Exception {
    SemanticIdModel model = model();
    try (ItemIndexWriter w = ItemIndexWriter.open(Path.of(args[0]), model, true, "child model")) {
      for (int batch = 0; ; batch++) {
        FloatMatrix x = SyntheticData.gaussianClusters(BATCH, 8, 10, 0.3, 100 + batch);
        int b = batch;
        List<String> ids = IntStream.range(0, BATCH).mapToObj(i -> "b" + b + "-" + i).toList();
        w.put(new ItemEmbeddings(ids, x), Map.of(), "none");
        w.commit();
        System.out.println("committed " + (batch + 1) * BATCH);
        System.out.flush();
      }
    }
  }
}
