package io.distok.quant.family;

import io.distok.util.FloatMatrix;
import java.io.IOException;
import java.util.List;

/**
 * What a family saves of a trained model and reads back: named groups of float32 matrices (written as {@code
 * .npy} files with checksums) and the model's parameters. The model store provides both sides and checks the
 * format, the family's state version and every checksum; a family only says what its state is.
 */
public final class ModelState {
  private ModelState() {}

  /** Receives a model's state while it is saved. */
  public interface Writer {
    /**
     * Saves {@code matrices} as the group {@code key}, one file {@code prefix-J.npy} per matrix.
     *
     * @throws IllegalArgumentException if the group was written before
     */
    void matrices(String key, String prefix, List<FloatMatrix> matrices) throws IOException;
  }

  /** Gives a saved model's state back while it is loaded; problems are reported naming the model's file. */
  public interface Reader {
    /** Where the model is, for messages. */
    String source();

    /** The state version the family wrote (1 for models saved before versions were recorded). */
    int stateVersion();

    /** The model's dimension d. */
    int dimension();

    /** Whether the matrix group {@code key} was saved. */
    boolean hasMatrices(String key);

    /**
     * The matrix group {@code key}, each file's checksum and shape verified.
     *
     * @throws io.distok.util.InvalidInputException if it is absent, a file is missing or corrupt
     */
    List<FloatMatrix> matrices(String key) throws IOException;

    /** An integer parameter; a list's first element when the parameter is a list. */
    int intParameter(String name);

    /** An integer-list parameter (a single integer reads as a one-element list). */
    int[] intListParameter(String name);

    /** A real-valued parameter. */
    double doubleParameter(String name);

    /** A flag; {@code absent} when the model does not record it. */
    boolean booleanParameter(String name, boolean absent);

    /** An integer parameter, or {@code absent} when the model does not record it (older models). */
    int intParameter(String name, int absent);

    /** A 64-bit integer parameter (a seed). */
    long longParameter(String name);

    /** A text parameter (a choice such as FSQ's bound). */
    String textParameter(String name);
  }
}
