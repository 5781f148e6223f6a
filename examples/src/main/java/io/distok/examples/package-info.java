/** Runnable end-to-end programs; each has a {@code main} and a {@code run} method the demo and tests call. */
package io.distok.examples;
