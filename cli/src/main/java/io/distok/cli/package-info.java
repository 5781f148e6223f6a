/** The {@code distok} command-line tool (picocli): one sub-command per job, {@code --help} on each. */
package io.distok.cli;
