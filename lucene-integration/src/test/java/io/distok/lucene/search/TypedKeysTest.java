package io.distok.lucene.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.lucene.index.IndexSchema;
import io.distok.lucene.index.ItemIndexWriter;
import io.distok.recsys.ItemEmbeddings;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.lucene.document.LongField;
import org.junit.jupiter.api.Test;

/**
 * Keys keep the type their source gave them (an integer Neo4j key property, say): an index of long keys returns
 * them as numbers and answers range queries on them; keys of another type are refused, before anything is written.
 */
class TypedKeysTest {
  private static ItemEmbeddings numbered(int from, int n) {
    FloatMatrix x = ItemSearchTest.items.vectors().selectRows(java.util.stream.IntStream.range(0, n).toArray());
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(Long.toString(from + i));
    }
    return new ItemEmbeddings(ids, x);
  }

  @Test
  void longKeysComeBackAsNumbersAndFilterByRange() throws IOException {
    Path dir = ItemSearchTest.freshDir("typed-keys");
    ItemEmbeddings items = numbered(1000, 100);
    List<Object> keys = new ArrayList<>();
    for (String id : items.ids()) {
      keys.add(Long.parseLong(id));
    }
    try (ItemIndexWriter w = ItemIndexWriter.open(dir, ItemSearchTest.model, true, "test model")) {
      w.put(items, keys, Map.of(), "neo4j", ProgressListener.NONE);
      w.commit();
    }
    try (ItemSearcher s = ItemSearcher.open(dir, ItemSearchTest.model, "test model")) {
      assertEquals(IndexSchema.KeyType.LONG, s.schema().keyType());
      ItemSearcher.Hit top = s.nearest(items.vectors().rowCopy(5), 1, 8, 50, null).get(0);
      assertEquals(1005L, top.key(), "the key comes back as the number it was");
      assertEquals("1005", top.id());
      for (ItemSearcher.Hit h : s.nearest(items.vectors().rowCopy(5), 10, 8, 100,
          LongField.newRangeQuery(IndexSchema.KEY, 1040, 1059))) {
        long k = (Long) h.key();
        assertTrue(k >= 1040 && k <= 1059, "range on the key: " + k);
      }
    }
    // more items of the same index: ids that are integers become long keys; others and string keys are refused
    try (ItemIndexWriter w = ItemIndexWriter.open(dir, ItemSearchTest.model, true, "test model")) {
      w.put(numbered(2000, 3), Map.of(), "more.csv", ProgressListener.NONE);
      var e = assertThrows(InvalidInputException.class, () -> w.put(numbered(3000, 2), List.of("3000", "3001"),
          Map.of(), "neo4j", ProgressListener.NONE));
      assertTrue(e.getMessage().contains("a string key, but the index") && e.getMessage().contains("holds long keys"),
          e.getMessage());
      ItemEmbeddings named = new ItemEmbeddings(List.of("x1"), numbered(0, 1).vectors());
      var n = assertThrows(InvalidInputException.class, () -> w.put(named, Map.of(), "more.csv",
          ProgressListener.NONE));
      assertTrue(n.getMessage().contains("item 'x1'") && n.getMessage().contains("not an integer"), n.getMessage());
      w.commit();
    }
    try (ItemSearcher s = ItemSearcher.open(dir, ItemSearchTest.model, "test model")) {
      assertEquals(103, s.size());
      assertEquals(2001L, s.nearest(numbered(2000, 3).vectors().rowCopy(1), 1, 8, 50,
          LongField.newRangeQuery(IndexSchema.KEY, 2000, 2002)).get(0).key());
    }
  }

  @Test
  void mixedOrUnsupportedKeysAreRefusedAndStringKeysStayStrings() throws IOException {
    Path dir = ItemSearchTest.freshDir("mixed-keys");
    try (ItemIndexWriter w = ItemIndexWriter.open(dir, ItemSearchTest.model, false, "test model")) {
      var mixed = assertThrows(InvalidInputException.class, () -> w.put(numbered(0, 2), List.of(0L, "1"), Map.of(),
          "neo4j", ProgressListener.NONE));
      assertTrue(mixed.getMessage().contains("item '1': a string key, but the keys before it are long keys"),
          mixed.getMessage());
      var odd = assertThrows(InvalidInputException.class, () -> w.put(numbered(0, 1), List.of(1.5), Map.of(),
          "neo4j", ProgressListener.NONE));
      assertTrue(odd.getMessage().contains("keys must be strings or integers"), odd.getMessage());
      w.put(numbered(0, 2), List.of("0", "1"), Map.of(), "neo4j", ProgressListener.NONE);
      w.commit();
    }
    try (ItemSearcher s = ItemSearcher.open(dir, ItemSearchTest.model, "test model")) {
      assertEquals(IndexSchema.KeyType.STRING, s.schema().keyType());
      assertEquals("1", s.nearest(numbered(0, 2).vectors().rowCopy(1), 1, 8, 10, null).get(0).key());
    }
  }
}
