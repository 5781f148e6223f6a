/** JGraphT graphs as item sources: vectors read from vertices through a function. */
package io.distok.source.jgrapht;
