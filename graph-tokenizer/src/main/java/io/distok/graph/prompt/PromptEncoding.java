package io.distok.graph.prompt;

import java.util.Locale;

/** How a subgraph is written into a prompt. */
public enum PromptEncoding {
  /** One {@code (head, relation, tail)} line per edge. */
  TRIPLES,
  /** Per node, its incident edges: {@code -[relation]-> tail} and {@code <-[relation]- head}. */
  INCIDENT,
  /** Per node, its anchor-relation tokens. */
  TOKENS,
  /** One JSON object (nodes with names and attributes, edges, tokens) for tool calling. */
  JSON;

  /** The lower-case spelling used on command lines. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
