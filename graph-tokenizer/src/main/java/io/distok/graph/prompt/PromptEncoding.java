package io.distok.graph.prompt;

import io.distok.quant.InvalidInputException;
import java.util.Locale;

/** How a subgraph is written into a prompt. */
public enum PromptEncoding {
  /** One {@code (head, relation, tail)} line per edge. */
  TRIPLES,
  /** Per node, its incident edges: {@code -[relation]-> tail} and {@code <-[relation]- head}. */
  INCIDENT,
  /** Per node, its anchor-relation tokens. */
  TOKENS;

  public static PromptEncoding parse(String s) {
    try {
      return valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("encoding must be triples, incident or tokens, not '" + s + "'");
    }
  }
}
