package io.distok.quant.io;

import io.distok.util.io.Inputs;

import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads a matrix from any supported file, chosen by extension (a trailing {@code .gz} is ignored):
 * {@code .npy}, {@code .fvecs}, IDX images ({@code *idx3-ubyte}), otherwise CSV/TSV/whitespace text. The result is checked to be non-empty and
 * finite.
 */
public final class MatrixReader {
  private MatrixReader() {}

  /** Reads {@code file}, detecting an id column in text files. */
  public static LabeledMatrix read(Path file) throws IOException {
    return read(file, Delimited.Layout.AUTO, null);
  }

  /**
   * Reads {@code file} with explicit header / id-column choices for text files; {@code layoutNote}, when not
   * null, receives the one-line description of how a text file was interpreted.
   */
  public static LabeledMatrix read(Path file, Delimited.Layout layout, java.util.function.Consumer<String> layoutNote)
      throws IOException {
    String base = Inputs.baseName(file);
    LabeledMatrix m;
    if (base.endsWith(".npy")) {
      m = new LabeledMatrix(null, Npy.readFloats(file));
    } else if (IdxImages.looksLikeIdx(file)) {
      m = new LabeledMatrix(null, IdxImages.read(file));
    } else if (base.endsWith(".fvecs")) {
      m = new LabeledMatrix(null, Fvecs.read(file));
    } else {
      Delimited.Table t = Delimited.read(file, layout);
      if (layoutNote != null) {
        layoutNote.accept(t.layout());
      }
      m = t.matrix();
    }
    FloatMatrix x = m.matrix();
    if (x.rows() == 0 || x.cols() == 0) {
      throw new InvalidInputException(file + ": empty matrix (" + x.rows() + " x " + x.cols() + ")");
    }
    x.requireFinite(file.toString());
    return m;
  }
}
