package io.distok.quant.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.quant.Codes;
import io.distok.util.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Codes files in every format quantize encode writes read back as written; malformed lines are named. */
class CodesFileTest {
  @Property(tries = 30)
  void readsWhatEncodeWrites(@ForAll @IntRange(min = 0, max = 40) int rows,
      @ForAll @IntRange(min = 1, max = 6) int positions, @ForAll boolean withIds, @ForAll long seed)
      throws IOException {
    SplittableRandom rng = new SplittableRandom(seed);
    Codes codes = new Codes(rows, positions);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < positions; j++) {
        codes.set(i, j, rng.nextInt(rng.nextBoolean() ? 256 : Integer.MAX_VALUE));
      }
    }
    Path dir = Files.createTempDirectory("codes");
    Path npy = dir.resolve("c.npy");
    Npy.write(npy, codes);
    assertEquals(codes, CodesFile.read(npy).codes());
    assertNull(CodesFile.read(npy).ids());
    for (String ext : new String[] {"csv", "tsv"}) {
      String sep = ext.equals("csv") ? "," : "\t";
      StringBuilder sb = new StringBuilder(withIds ? "id" + sep : "");
      for (int j = 0; j < positions; j++) {
        sb.append(j == 0 ? "" : sep).append('c').append(j);
      }
      sb.append('\n');
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < rows; i++) {
        ids.add("item " + i);
        sb.append(withIds ? "item " + i + sep : "");
        for (int j = 0; j < positions; j++) {
          sb.append(j == 0 ? "" : sep).append(codes.get(i, j));
        }
        sb.append('\n');
      }
      Path f = dir.resolve("c." + ext);
      Files.writeString(f, sb);
      CodesFile.Labeled back = CodesFile.read(f);
      assertEquals(codes, back.codes(), ext);
      assertEquals(withIds ? ids : null, back.ids(), ext);
    }
  }

  @Test
  void malformedLinesAreNamed() throws IOException {
    Path dir = Files.createTempDirectory("codes");
    String[][] cases = {
        {"id,c0,c1\na,1,2\nb,3\n", ":3: 2 fields, the header has 3"},
        {"c0,c1\n1,-2\n", ":2: code c1 '-2' is not a non-negative integer"},
        {"c0,c1\n1,9999999999\n", ":2: code c1 '9999999999' is not a non-negative integer"},
        {"id,x0\na,1\n", ":1: expected a header [id,]c0,c1,..."},
        {"", "empty"},
    };
    for (String[] c : cases) {
      Path f = dir.resolve("bad.csv");
      Files.writeString(f, c[0]);
      var e = assertThrows(InvalidInputException.class, () -> CodesFile.read(f));
      assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains(c[1]), e.getMessage());
    }
    var e = assertThrows(InvalidInputException.class, () -> CodesFile.read(dir.resolve("codes.bin")));
    assertTrue(e.getMessage().contains("must end in .npy, .csv or .tsv"), e.getMessage());
  }
}
