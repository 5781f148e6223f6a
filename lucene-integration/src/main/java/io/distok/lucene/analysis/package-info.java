/**
 * Lucene analysis for distok tokens, usable in any Lucene, Solr, OpenSearch or Elasticsearch pipeline and found
 * by SPI name: semantic-ID prefix terms ({@code distokSemanticId}), quantizer code terms ({@code distokCodes})
 * and hop-distance weighted anchor terms ({@code distokAnchorDistance}). Terms are built by {@link
 * io.distok.lucene.analysis.SemanticIdTerms} and {@link io.distok.lucene.analysis.CodeTerms}, which query
 * builders share.
 */
package io.distok.lucene.analysis;
