/**
 * The {@code strand} command line (picocli): {@code serve} (the default), {@code verify}, {@code dump},
 * {@code hash-key}, {@code --version}, {@code --help}; flags generated from the setting declarations; exit statuses in
 * {@link dev.strand.gateway.cli.ExitCode}.
 */
package dev.strand.gateway.cli;
