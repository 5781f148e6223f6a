package io.distok.util.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.QuoteMode;

/**
 * Writes CSV or TSV rows with RFC 4180 quoting (through Apache Commons CSV): a field that holds the separator,
 * a double quote or a line break is quoted, so any id survives a round trip through distok's readers or any
 * CSV reader. Lines end with {@code \n}.
 */
public final class CsvWriter implements AutoCloseable {
  private final CSVPrinter printer;

  private CsvWriter(CSVPrinter printer) {
    this.printer = printer;
  }

  /** The format used for {@code separator} (',' or '\t'). */
  public static CSVFormat format(char separator) {
    return CSVFormat.DEFAULT.builder().setDelimiter(separator).setRecordSeparator('\n')
        .setQuoteMode(QuoteMode.MINIMAL).get();
  }

  /** A writer on {@code out} (UTF-8); closing it flushes but does not close {@code out}. */
  public static CsvWriter open(OutputStream out, char separator) throws IOException {
    BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
    return new CsvWriter(new CSVPrinter(w, format(separator)));
  }

  /** Writes one row. */
  public void row(Iterable<?> values) throws IOException {
    printer.printRecord(values);
  }

  /** Writes one row. */
  public void row(Object... values) throws IOException {
    printer.printRecord(values);
  }

  @Override
  public void close() throws IOException {
    printer.flush();
  }
}
