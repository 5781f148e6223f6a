package io.distok.quant.family;

import io.distok.util.InvalidInputException;
import io.distok.quant.Quantizer;
import io.distok.quant.QuantizerTrainer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/**
 * A family of quantizers (VQ, RQ, PQ, ...), found by name through {@link ServiceLoader} as Lucene finds a codec:
 * it names the method, declares its parameters, builds a trainer from parameter values, and saves and loads its
 * trained models' state. Adding a family means one new package with its quantizer, its family class and a line
 * in {@code META-INF/services/io.distok.quant.family.QuantizerFamily}; the model store and the command line
 * pick it up unchanged.
 *
 * <p>Implementations are stateless and have a public no-argument constructor.
 */
public interface QuantizerFamily {

  /** The method name: on the command line ({@code --method NAME}), in saved models and in {@link Quantizer#method()}. */
  String name();

  /** One line saying what the family does, for help. */
  String description();

  /** The training parameters, in the order help shows them. */
  List<FamilyParameter> parameters();

  /** Parameters that may be changed on a trained model before encoding (e.g. RQ's beam width); default none. */
  default List<FamilyParameter> encodeParameters() {
    return List.of();
  }

  /**
   * A trainer for the given values of {@link #parameters()}.
   *
   * @throws IllegalArgumentException or {@link InvalidInputException} if the values do not make a valid model
   */
  QuantizerTrainer<? extends Quantizer> trainer(ParameterValues values);

  /**
   * {@code model} with the given values of {@link #encodeParameters()} applied; values not set leave the model's
   * own. The default has no encode parameters and returns the model.
   */
  default Quantizer reconfigure(Quantizer model, ParameterValues values) {
    return model;
  }

  /** Version of the state this family writes; bumped on an incompatible change of {@link #write}. */
  int stateVersion();

  /** Saves what {@link #read} needs besides the model's {@link Quantizer#parameters()}, which are saved for it. */
  void write(Quantizer model, ModelState.Writer out) throws IOException;

  /**
   * Rebuilds a saved model that gives bit-identical codes.
   *
   * @throws InvalidInputException if the state is missing, inconsistent or of an unsupported version
   */
  Quantizer read(ModelState.Reader in) throws IOException;

  /** Every family on the class path, by name. */
  static List<QuantizerFamily> all() {
    List<QuantizerFamily> out = new ArrayList<>();
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    for (QuantizerFamily f : ServiceLoader.load(QuantizerFamily.class,
        loader != null ? loader : QuantizerFamily.class.getClassLoader())) {
      out.add(f);
    }
    out.sort(Comparator.comparing(QuantizerFamily::name));
    for (int i = 1; i < out.size(); i++) {
      if (out.get(i).name().equals(out.get(i - 1).name())) {
        throw new IllegalStateException("two quantizer families are named '" + out.get(i).name() + "': "
            + out.get(i - 1).getClass().getName() + " and " + out.get(i).getClass().getName());
      }
    }
    return out;
  }

  /**
   * The family named {@code name}.
   *
   * @throws InvalidInputException naming the known families if there is none
   */
  static QuantizerFamily forName(String name) {
    List<QuantizerFamily> all = all();
    for (QuantizerFamily f : all) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    throw new InvalidInputException("unknown quantizer method '" + name + "'; known: "
        + String.join(", ", all.stream().map(QuantizerFamily::name).toList()));
  }
}
