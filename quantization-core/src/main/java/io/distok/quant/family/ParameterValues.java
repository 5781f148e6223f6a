package io.distok.quant.family;

import io.distok.util.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Values given for a family's parameters, as text (from a command line or a configuration), read back typed
 * with the parameter's default when a value is not given. A value that does not parse is reported with the
 * parameter's command-line spelling.
 */
public final class ParameterValues {
  private final Map<String, FamilyParameter> specs = new LinkedHashMap<>();
  private final Map<String, String> given;

  private ParameterValues(List<FamilyParameter> parameters, Map<String, String> given) {
    for (FamilyParameter p : parameters) {
      specs.put(p.name(), p);
    }
    for (String name : given.keySet()) {
      if (!specs.containsKey(name)) {
        throw new IllegalArgumentException("'" + name + "' is not one of the parameters " + specs.keySet());
      }
    }
    this.given = Map.copyOf(given);
  }

  /**
   * Values for {@code parameters}, {@code given} keyed by parameter name.
   *
   * @throws IllegalArgumentException if a name in {@code given} is not among {@code parameters}
   */
  public static ParameterValues of(List<FamilyParameter> parameters, Map<String, String> given) {
    return new ParameterValues(parameters, given);
  }

  /** Whether a value was given for {@code name} (rather than its default). */
  public boolean isSet(String name) {
    spec(name);
    return given.containsKey(name);
  }

  /** The value of an integer parameter. */
  public int getInt(String name) {
    String v = text(name);
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw invalid(name, v, "an integer");
    }
  }

  /** The value of an integer parameter, or null when it is neither given nor has a default. */
  public Integer getIntOrNull(String name) {
    return textOrNull(name) == null ? null : getInt(name);
  }

  /** The value of a real-valued parameter. */
  public double getDouble(String name) {
    String v = text(name);
    try {
      double d = Double.parseDouble(v.trim());
      if (!Double.isFinite(d)) {
        throw invalid(name, v, "a finite number");
      }
      return d;
    } catch (NumberFormatException e) {
      throw invalid(name, v, "a number");
    }
  }

  /** The value of a flag. */
  public boolean getBoolean(String name) {
    String v = textOrNull(name);
    if (v == null) {
      return false;
    }
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw invalid(name, v, "true or false");
    };
  }

  /** The value of a text parameter, or null when it is neither given nor has a default. */
  public String getTextOrNull(String name) {
    String v = textOrNull(name);
    return v == null ? null : v.trim();
  }

  /**
   * The value of a text parameter read as a comma-separated list of integers ({@code 8,5,5,5}), or null when it
   * is neither given nor has a default.
   */
  public int[] getIntListOrNull(String name) {
    String v = getTextOrNull(name);
    if (v == null) {
      return null;
    }
    String[] parts = v.split(",", -1);
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        out[i] = Integer.parseInt(parts[i].trim());
      } catch (NumberFormatException e) {
        throw invalid(name, v, "a comma-separated list of integers");
      }
    }
    return out;
  }

  /** The value of a choice parameter, one of its choices. */
  public String getChoice(String name) {
    String v = text(name);
    FamilyParameter p = spec(name);
    for (String c : p.choices()) {
      if (c.equalsIgnoreCase(v.trim())) {
        return c;
      }
    }
    throw invalid(name, v, "one of " + String.join(", ", p.choices()));
  }

  private FamilyParameter spec(String name) {
    FamilyParameter p = specs.get(name);
    if (p == null) {
      throw new IllegalArgumentException("no parameter '" + name + "' among " + specs.keySet());
    }
    return p;
  }

  private String textOrNull(String name) {
    FamilyParameter p = spec(name);
    String v = given.get(name);
    return v != null ? v : p.defaultValue();
  }

  private String text(String name) {
    String v = textOrNull(name);
    if (v == null) {
      throw new IllegalStateException("parameter '" + name + "' has no value and no default");
    }
    return v;
  }

  private InvalidInputException invalid(String name, String value, String expected) {
    return new InvalidInputException(spec(name).option() + ": '" + value + "' is not " + expected);
  }
}
