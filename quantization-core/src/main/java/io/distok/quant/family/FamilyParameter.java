package io.distok.quant.family;

import java.util.List;
import java.util.Locale;

/**
 * One parameter of a quantizer family, as data: the name it has in saved models and papers ({@code K},
 * {@code niter}, {@code beam}), its command-line spellings, its type, its default and what it does.
 *
 * @param name key in {@code model.json} and in {@link ParameterValues}
 * @param options command-line spellings, the first being the main one (e.g. {@code --L}, {@code --levels})
 * @param type value type
 * @param defaultValue default as text, or null when the family derives it from other parameters
 * @param description one line of help, without the default
 * @param choices allowed values of a {@link Type#CHOICE} parameter, else empty
 */
public record FamilyParameter(String name, List<String> options, Type type, String defaultValue,
    String description, List<String> choices) {

  /** Value types of parameters. */
  public enum Type {
    INT, DOUBLE, BOOLEAN, CHOICE, TEXT;

    /** Label shown in help: {@code <int>}, {@code <number>}, ... */
    public String label() {
      return switch (this) {
        case INT -> "<int>";
        case DOUBLE -> "<number>";
        case BOOLEAN -> "";
        case CHOICE -> "<choice>";
        case TEXT -> "<text>";
      };
    }
  }

  public FamilyParameter {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a parameter needs a name");
    }
    options = List.copyOf(options);
    if (options.isEmpty() || options.stream().anyMatch(o -> !o.startsWith("--"))) {
      throw new IllegalArgumentException(name + ": command-line spellings must start with --, got " + options);
    }
    choices = List.copyOf(choices);
    if ((type == Type.CHOICE) == choices.isEmpty()) {
      throw new IllegalArgumentException(name + ": choices are given exactly for CHOICE parameters");
    }
    if (type == Type.BOOLEAN && defaultValue != null && !defaultValue.equals("false")) {
      throw new IllegalArgumentException(name + ": a boolean parameter is a flag and defaults to false");
    }
  }

  /** An integer parameter. */
  public static FamilyParameter integer(String name, String option, int defaultValue, String description) {
    return new FamilyParameter(name, List.of(option), Type.INT, Integer.toString(defaultValue), description,
        List.of());
  }

  /** A real-valued parameter. */
  public static FamilyParameter real(String name, String option, double defaultValue, String description) {
    return new FamilyParameter(name, List.of(option), Type.DOUBLE, Double.toString(defaultValue), description,
        List.of());
  }

  /** A free-text parameter (e.g. a list such as FSQ's levels {@code 8,5,5,5}); null default when derived. */
  public static FamilyParameter text(String name, String option, String defaultValue, String description) {
    return new FamilyParameter(name, List.of(option), Type.TEXT, defaultValue, description, List.of());
  }

  /** A flag, false unless given. */
  public static FamilyParameter flag(String name, String option, String description) {
    return new FamilyParameter(name, List.of(option), Type.BOOLEAN, "false", description, List.of());
  }

  /** One of a fixed set of values. */
  public static FamilyParameter choice(String name, String option, String defaultValue, List<String> choices,
      String description) {
    return new FamilyParameter(name, List.of(option), Type.CHOICE, defaultValue, description, choices);
  }

  /** The same parameter with more command-line spellings. */
  public FamilyParameter withAliases(String... aliases) {
    List<String> all = new java.util.ArrayList<>(options);
    all.addAll(List.of(aliases));
    return new FamilyParameter(name, all, type, defaultValue, description, choices);
  }

  /** The same parameter with another default, or none (null). */
  public FamilyParameter withDefault(String value) {
    return new FamilyParameter(name, options, type, value, description, choices);
  }

  /** The main command-line spelling. */
  public String option() {
    return options.get(0);
  }

  /** The description with the choices and the default appended, for help text. */
  public String help() {
    String text = description.endsWith(".") ? description.substring(0, description.length() - 1) : description;
    StringBuilder sb = new StringBuilder(text);
    if (type == Type.CHOICE) {
      sb.append(": ").append(String.join(", ", choices));
    }
    if (defaultValue != null && type != Type.BOOLEAN) {
      sb.append(String.format(Locale.ROOT, " (default: %s)", defaultValue));
    }
    sb.append('.');
    return sb.toString();
  }
}
