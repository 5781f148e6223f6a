package io.distok.cli;

import io.distok.quant.family.FamilyParameter;
import io.distok.quant.family.ParameterValues;
import io.distok.quant.family.QuantizerFamily;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The command-line options of the quantizer families, built from the parameters each {@link QuantizerFamily}
 * declares: a family added on the class path gets its options, its help section and its validation without a
 * line here. Options several families share (e.g. {@code --K}) are one option; giving an option the chosen
 * family does not take is a usage error naming the families that do.
 */
final class FamilyOptions {
  private static final String SECTION_KEY = "familyOptions";

  private FamilyOptions() {}

  /** Which parameters of a family a command takes (training ones for fit, encode-time ones for encode). */
  enum Kind {
    TRAINING(QuantizerFamily::parameters, "Options of --method %s (%s):"),
    ENCODING(QuantizerFamily::encodeParameters, "Options for %s models (%s):");

    private final Function<QuantizerFamily, List<FamilyParameter>> parameters;
    private final String heading;

    Kind(Function<QuantizerFamily, List<FamilyParameter>> parameters, String heading) {
      this.parameters = parameters;
      this.heading = heading;
    }

    List<FamilyParameter> of(QuantizerFamily family) {
      return parameters.apply(family);
    }
  }

  /**
   * Adds the parameters of {@code kind} of every one of {@code families} to {@code command} as options (hidden from the common option
   * list) and one help section per family listing them.
   *
   * @throws IllegalStateException if two families declare the same option with different types
   */
  static void register(CommandLine command, Kind kind, List<QuantizerFamily> families) {
    CommandSpec spec = command.getCommandSpec();
    Map<String, FamilyParameter> seen = new LinkedHashMap<>();
    for (QuantizerFamily family : families) {
      for (FamilyParameter p : kind.of(family)) {
        FamilyParameter before = seen.get(p.option());
        if (before != null) {
          if (before.type() != p.type() || !before.name().equals(p.name())) {
            throw new IllegalStateException(p.option() + " is declared by two families with different meanings");
          }
          continue;
        }
        seen.put(p.option(), p);
        OptionSpec.Builder b = OptionSpec.builder(p.options().toArray(String[]::new)).hidden(true)
            .description(p.help());
        if (p.type() == FamilyParameter.Type.BOOLEAN) {
          b.type(boolean.class).arity("0");
        } else {
          b.type(String.class).paramLabel(p.type().label());
        }
        spec.addOption(b.build());
      }
    }
    List<String> keys = new ArrayList<>(spec.usageMessage().sectionKeys());
    int at = keys.indexOf(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST);
    keys.add(at < 0 ? keys.size() : at + 1, SECTION_KEY);
    spec.usageMessage().sectionKeys(keys);
    spec.usageMessage().sectionMap().put(SECTION_KEY, help -> section(help, families, kind));
  }

  private static String section(CommandLine.Help help, List<QuantizerFamily> families, Kind kind) {
    StringBuilder sb = new StringBuilder();
    int width = help.commandSpec().usageMessage().width();
    for (QuantizerFamily family : families) {
      List<FamilyParameter> params = kind.of(family);
      if (params.isEmpty()) {
        continue;
      }
      sb.append(String.format(Locale.ROOT, "%n" + kind.heading + "%n", family.name(), family.description()));
      CommandLine.Help.TextTable table = CommandLine.Help.TextTable.forColumnWidths(help.colorScheme(), 2, 30,
          Math.max(20, width - 32));
      for (FamilyParameter p : params) {
        String label = p.type() == FamilyParameter.Type.BOOLEAN ? "" : "=" + p.type().label();
        table.addRowValues("", String.join(", ", p.options()) + label, p.help());
      }
      sb.append(table);
    }
    return sb.toString();
  }

  /**
   * The values given on the command line of {@code spec} for {@code family}'s parameters of {@code kind}.
   *
   * @param subject what the options are applied to, for the error message (e.g. "--method vq" or a model path)
   * @throws CommandLine.ParameterException if an option of another family was given
   */
  static ParameterValues values(CommandSpec spec, QuantizerFamily family, Kind kind, String subject) {
    CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
    List<FamilyParameter> own = kind.of(family);
    Map<String, String> given = new LinkedHashMap<>();
    for (Iterator<OptionSpec> it = parsed.matchedOptions().iterator(); it.hasNext(); ) {
      OptionSpec o = it.next();
      FamilyParameter p = find(own, o);
      if (p == null) {
        List<String> takers = QuantizerFamily.all().stream()
            .filter(f -> find(kind.of(f), o) != null).map(QuantizerFamily::name).toList();
        if (takers.isEmpty()) {
          continue; // a common option of the command, not a family's
        }
        throw CliSupport.usage(spec, o.longestName() + " does not apply to " + subject + "; it applies to "
            + String.join(", ", takers));
      }
      Object v = o.getValue();
      given.put(p.name(), String.valueOf(v));
    }
    return ParameterValues.of(own, given);
  }

  private static FamilyParameter find(List<FamilyParameter> params, OptionSpec o) {
    for (FamilyParameter p : params) {
      for (String n : o.names()) {
        if (p.options().contains(n)) {
          return p;
        }
      }
    }
    return null;
  }
}
