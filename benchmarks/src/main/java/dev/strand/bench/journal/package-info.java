/**
 * The journal alone, through its public API ({@code dev.strand.journal}): what one commit costs the appending thread,
 * and what the hash chain adds to it, measured beside the same appends without the chain in one run.
 */
package dev.strand.bench.journal;
