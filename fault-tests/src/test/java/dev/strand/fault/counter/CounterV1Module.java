package dev.strand.fault.counter;

/** Release 1 of the counter: adds every {@code n}. */
public final class CounterV1Module extends CounterModule
{
    @Override
    protected long total(final long before, final long n)
    {
        return before + n;
    }
}
