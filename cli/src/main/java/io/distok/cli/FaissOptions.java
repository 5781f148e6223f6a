package io.distok.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where the faiss baseline comes from: the comparison script and the Python that runs it. */
final class FaissOptions {
  @Option(names = "--faiss", paramLabel = "SCRIPT", description = "Also run faiss on the same file through this "
      + "comparison script, e.g. bench/faiss_compare.py (needs numpy, faiss and OpenBLAS).")
  Path script;

  @Option(names = "--faiss-python", paramLabel = "PYTHON", defaultValue = "/usr/bin/python3", description = "The "
      + "Python that runs the script, e.g. a wrapper that puts another faiss build first on its path (default: "
      + "${DEFAULT-VALUE}).")
  String python;

  /** One line naming the faiss build, its compile options, the BLAS it loaded and its thread count. */
  static String describe(Map<String, Object> figures) {
    Object version = figures.getOrDefault("faiss_version", figures.get("tool"));
    Object options = figures.getOrDefault("faiss_compile_options", figures.get("compile_options"));
    Object blas = figures.get("blas");
    String lib = blas instanceof List<?> l ? l.stream().map(String::valueOf).map(s -> s.substring(s.lastIndexOf('/')
        + 1)).filter(s -> s.contains("openblas") || s.contains("mkl") || s.contains("blis")).findFirst()
        .orElse(String.valueOf(blas)) : String.valueOf(blas);
    return "faiss " + String.valueOf(version).replace("faiss ", "") + " (" + String.valueOf(options).strip() + "), BLAS "
        + lib + (figures.get("omp_threads") != null ? ", " + figures.get("omp_threads") + " OpenMP threads" : "");
  }
}
