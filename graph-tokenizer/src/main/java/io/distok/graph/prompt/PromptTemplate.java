package io.distok.graph.prompt;

import io.distok.util.InvalidInputException;
import io.distok.util.io.Inputs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * An instruction template around the graph part of a prompt, for node classification or link prediction sets:
 * {@code {node}} becomes the focal node ({@code name [id]}), {@code {graph}} the rendered subgraph and {@code
 * {question}} the question text (in which {@code {node}} is replaced too). The budget covers the whole filled-in
 * template: the graph part gets what the rest leaves, and is cut further if the joined text still counts more
 * (token counts are not additive at the seam). O(template length) per prompt besides the graph prompt itself.
 */
public final class PromptTemplate {
  /** The template that is just the graph part. */
  public static final PromptTemplate GRAPH_ONLY = new PromptTemplate("{graph}", "");

  private final String template;
  private final String question;

  /**
   * @param template text containing {@code {graph}} once
   * @param question what {@code {question}} becomes
   * @throws InvalidInputException if the template has no {@code {graph}} or more than one
   */
  public PromptTemplate(String template, String question) {
    int at = template.indexOf("{graph}");
    if (at < 0 || template.indexOf("{graph}", at + 1) >= 0) {
      throw new InvalidInputException("a prompt template must contain {graph} exactly once, found "
          + (at < 0 ? "none" : "several"));
    }
    this.template = template;
    this.question = question == null ? "" : question;
  }

  /** Reads a template file (UTF-8, gzip ok). */
  public static PromptTemplate read(Path file, String question) throws IOException {
    String t = new String(Inputs.readAll(file), StandardCharsets.UTF_8);
    try {
      return new PromptTemplate(t, question);
    } catch (InvalidInputException e) {
      throw new InvalidInputException(file + ": " + e.getMessage());
    }
  }

  /**
   * The template with its placeholders replaced in one pass, so that text coming from the graph or the question
   * is never scanned for placeholders again; only {@code {node}} in the question is replaced as well.
   */
  private String fill(String node, String graph) {
    Map<String, String> values = Map.of("{node}", node, "{graph}", graph, "{question}",
        question.replace("{node}", node));
    StringBuilder sb = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      int open = template.indexOf('{', i);
      if (open < 0) {
        break;
      }
      int close = template.indexOf('}', open);
      String value = close < 0 ? null : values.get(template.substring(open, close + 1));
      if (value == null) {
        sb.append(template, i, open + 1);
        i = open + 1;
      } else {
        sb.append(template, i, open).append(value);
        i = close + 1;
      }
    }
    return sb.append(template, i, template.length()).toString();
  }

  /**
   * The filled-in prompt for {@code focal} within {@code options}' budget, as a {@link GraphPrompter.Prompt}
   * whose text and count are the whole prompt's.
   *
   * @throws InvalidInputException when the template without any edge does not fit the budget
   */
  public GraphPrompter.Prompt apply(GraphPrompter prompter, String focal, PromptEncoding encoding,
      GraphPrompter.Options options) {
    String node = prompter.display(focal);
    TokenCounter counter = options.counter();
    if (options.budget() == 0) {
      GraphPrompter.Prompt p = prompter.render(focal, encoding, options);
      String text = fill(node, p.text());
      return withText(p, text, counter.count(text));
    }
    int rest = counter.count(fill(node, ""));
    int graphBudget = options.budget() - rest;
    while (graphBudget > 0) {
      GraphPrompter.Prompt p = prompter.render(focal, encoding, options.withBudget(graphBudget, counter));
      String text = fill(node, p.text());
      int count = counter.count(text);
      if (count <= options.budget()) {
        return withText(p, text, count);
      }
      graphBudget -= count - options.budget();
    }
    throw new InvalidInputException("a budget of " + options.budget() + " " + counter.unit() + " is too small "
        + "for the template around the prompt about " + focal + ": the template alone takes " + rest);
  }

  private static GraphPrompter.Prompt withText(GraphPrompter.Prompt p, String text, int count) {
    return new GraphPrompter.Prompt(text, count, p.unitsKept(), p.unitsTotal(), p.focalEdgesKept(),
        p.focalEdgesTotal());
  }
}
