/** Graph-to-LLM prompting: serialise a node or the subgraph around it into prompt text under a budget. */
package io.distok.graph.prompt;
