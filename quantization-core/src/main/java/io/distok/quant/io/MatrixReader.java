package io.distok.quant.io;

import io.distok.quant.FloatMatrix;
import io.distok.quant.InvalidInputException;
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
    return read(file, Delimited.IdColumn.AUTO);
  }

  /** Reads {@code file} with an explicit id-column choice for text files. */
  public static LabeledMatrix read(Path file, Delimited.IdColumn idColumn) throws IOException {
    String base = Inputs.baseName(file);
    LabeledMatrix m;
    if (base.endsWith(".npy")) {
      m = new LabeledMatrix(null, Npy.readFloats(file));
    } else if (IdxImages.looksLikeIdx(file)) {
      m = new LabeledMatrix(null, IdxImages.read(file));
    } else if (base.endsWith(".fvecs")) {
      m = new LabeledMatrix(null, Fvecs.read(file));
    } else {
      m = Delimited.read(file, idColumn);
    }
    FloatMatrix x = m.matrix();
    if (x.rows() == 0 || x.cols() == 0) {
      throw new InvalidInputException(file + ": empty matrix (" + x.rows() + " x " + x.cols() + ")");
    }
    x.requireFinite(file.toString());
    return m;
  }
}
