package dev.strand.engine.api;

/**
 * What a projection's rebuild found.
 *
 * @param position      the position at which the shadow (rebuilt from position 1) and the live rows were compared.
 * @param rowsCompared  keys present in either.
 * @param rowsDiffering keys whose row is missing from one or differs between them.
 * @param swapped       whether the shadow replaced the live rows (never on a dry run).
 */
public record RebuildResult(long position, long rowsCompared, long rowsDiffering, boolean swapped)
{
}
