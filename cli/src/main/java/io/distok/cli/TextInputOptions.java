package io.distok.cli;

import io.distok.quant.io.Delimited;
import io.distok.quant.io.LabeledMatrix;
import io.distok.quant.io.MatrixReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * How CSV/TSV input is read: header line and id column, detected unless given. The interpretation taken is
 * printed as one line on standard error, so a numeric id column read as a feature cannot go unnoticed.
 */
final class TextInputOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = "--header", negatable = true, description = "CSV/TSV input: the first line is a header "
      + "(--no-header: it is data). Default: detected.")
  Boolean header;

  @Option(names = "--id-column", paramLabel = "NAME|N", description = "CSV/TSV input: the column of item ids, by "
      + "header name or 1-based number. Default: the first column when its header is id, item, item_id, node, "
      + "key or name, or when its values are not numbers.")
  String idColumn;

  @Option(names = "--no-id-column", description = "CSV/TSV input: there is no id column; every column is a value.")
  boolean noIdColumn;

  Delimited.Layout layout() {
    if (noIdColumn && idColumn != null) {
      throw CliSupport.usage(spec, "give --id-column or --no-id-column, not both");
    }
    if (idColumn != null && idColumn.isBlank()) {
      throw CliSupport.usage(spec, "--id-column needs a column name or number");
    }
    return new Delimited.Layout(header, noIdColumn ? "" : idColumn);
  }

  /** Reads a matrix, printing how a text file was interpreted to {@code err}. */
  LabeledMatrix read(Path file, PrintWriter err) throws IOException {
    return MatrixReader.read(file, layout(), note -> err.println("distok: reading " + note));
  }
}
