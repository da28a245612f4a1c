package dev.strand.fault.counter;

/** Release 2 of the counter: an add of more than 100 counts as 100 (the changed evolve a replay must reveal). */
public final class CounterV2Module extends CounterModule
{
    @Override
    protected long total(final long before, final long n)
    {
        return before + Math.min(n, 100);
    }
}
