package io.distok.recsys;

import io.distok.quant.io.MatrixStream;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;
import java.io.IOException;
import java.util.List;

/**
 * Gives IDs to the rows of an embedding file that need not fit in the heap: the rows are read in blocks of
 * {@link #BLOCK}, each block is {@linkplain SemanticIdModel#assign assigned} to the newest model (appending in
 * place, O(1) per item) and every row's ID goes to a sink as soon as it is known. Memory: one block of
 * embeddings and its codes, plus the model's few bytes per item; time O(n sum(K) d) for the encoding, run in
 * parallel within a block. The block size is fixed, so the IDs do not depend on the thread count.
 */
public final class StreamedAssignment {
  /** Rows per block. */
  public static final int BLOCK = 1 << 16;

  private StreamedAssignment() {}

  /** Receives the ID of every row, in file order. */
  @FunctionalInterface
  public interface Sink {
    void accept(String item, int[] id) throws IOException;
  }

  /**
   * @param model the model after the last row
   * @param rows rows read
   * @param added rows that were new items
   */
  public record Result(SemanticIdModel model, long rows, long added) {}

  /**
   * Assigns every row of {@code in}.
   *
   * @param ids the item id of each row, or null for row numbers {@code "0"}, {@code "1"}, ...
   * @throws InvalidInputException when the ids are fewer or more than the rows, or on a bad row
   */
  public static Result run(SemanticIdModel model, MatrixStream in, List<String> ids, Sink sink,
      ProgressListener progress) throws IOException {
    if (in.cols() != model.dimension()) {
      throw new InvalidInputException(in.file() + ": embeddings of dimension " + in.cols() + ", but the model was "
          + "fitted on dimension " + model.dimension());
    }
    float[] buf = new float[BLOCK * in.cols()];
    long total = in.rows() >= 0 ? in.rows() : ids != null ? ids.size() : -1;
    long done = 0;
    long added = 0;
    SemanticIdModel current = model;
    int got;
    while ((got = in.read(buf, BLOCK)) > 0) {
      FloatMatrix block = FloatMatrix.wrap(got == BLOCK ? buf : java.util.Arrays.copyOf(buf, got * in.cols()), got,
          in.cols());
      ItemEmbeddings items;
      if (ids != null) {
        if (done + got > ids.size()) {
          throw new InvalidInputException(in.file() + " has more rows than the " + ids.size() + " ids given");
        }
        items = new ItemEmbeddings(ids.subList((int) done, (int) done + got), block);
      } else {
        items = ItemEmbeddings.numberedFrom(done, block);
      }
      SemanticIdModel.Assignment a = current.assign(items);
      for (int i = 0; i < got; i++) {
        String id = items.ids().get(i);
        sink.accept(id, a.ids().get(id));
      }
      current = a.model();
      added += a.added().size();
      done += got;
      progress.progress("assigning", done, total);
    }
    if (ids != null && done != ids.size()) {
      throw new InvalidInputException(in.file() + " has " + done + " rows but " + ids.size() + " ids were given");
    }
    return new Result(current, done, added);
  }
}
