/**
 * What every benchmark shares: the forked JVMs' flags, temporary data directories, and the command-line plumbing
 * (picocli converters over the one size/duration/count parser, one-line usage errors with exit status 2).
 */
package dev.strand.bench.support;
