/** What every benchmark shares: the forked JVMs' flags and temporary data directories. */
package dev.strand.bench.support;
