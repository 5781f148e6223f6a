package io.distok.util.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The streamed checksum equals the digest of the whole file's bytes; jqwik prints each run's seed. */
class StoreHeaderTest {

  /** Sizes around the 64 KB block: empty, below, exactly at and across block boundaries. */
  @Property(tries = 30)
  void streamedSha256EqualsTheDigestOfAllBytes(@ForAll @IntRange(min = 0, max = 300_000) int size,
      @ForAll long seed) throws Exception {
    checksumOf(size, seed);
  }

  @Property(tries = 3)
  void blockBoundariesExactly(@ForAll @IntRange(min = 1, max = 3) int blocks) throws Exception {
    checksumOf(blocks << 16, blocks);
  }

  /** Writes {@code size} random bytes and compares the streamed checksum with the digest of all of them. */
  private static void checksumOf(int size, long seed) throws Exception {
    byte[] data = new byte[size];
    new SplittableRandom(seed).nextBytes(data);
    Path f = Files.createTempFile(Files.createDirectories(Path.of("target", "tmp")), "sha", ".bin");
    try {
      Files.write(f, data);
      assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)),
          StoreHeader.sha256(f));
    } finally {
      Files.deleteIfExists(f);
    }
  }
}
