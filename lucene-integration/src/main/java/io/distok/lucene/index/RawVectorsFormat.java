package io.distok.lucene.index;

import java.io.IOException;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.hnsw.FlatVectorScorerUtil;
import org.apache.lucene.codecs.lucene99.Lucene99FlatVectorsFormat;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;

/**
 * The vectors format of distok's item indexes ({@value #NAME}, found by name through Lucene's {@code
 * KnnVectorsFormat} SPI): Lucene's flat float vectors without an HNSW graph, since distok finds candidates through
 * code terms and only reads vectors to rescore them exactly. Saves the graph's space (about a sixth of a 64-d float
 * index) and its build time; nearest-neighbour queries on the field itself ({@code KnnFloatVectorQuery}) are not
 * supported.
 */
public final class RawVectorsFormat extends KnnVectorsFormat {
  /** The SPI name recorded in the index. */
  public static final String NAME = "DistokRawVectors";

  private final Lucene99FlatVectorsFormat flat =
      new Lucene99FlatVectorsFormat(FlatVectorScorerUtil.getLucene99FlatVectorsScorer());

  public RawVectorsFormat() {
    super(NAME);
  }

  @Override
  public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
    return flat.fieldsWriter(state);
  }

  @Override
  public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
    return flat.fieldsReader(state);
  }

  @Override
  public int getMaxDimensions(String fieldName) {
    return 4096;
  }
}
