package dev.strand.bench.engine;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bytes allocated per thread, read from HotSpot's {@code com.sun.management.ThreadMXBean}, for threads found by
 * name (the engine names its threads after their roles: {@code engine-logic}, {@code read-model}, ...). Lets a
 * benchmark say which stage allocates without reaching into the engine.
 */
final class ThreadAllocation
{
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    private ThreadAllocation()
    {
    }

    /** Allocated bytes so far of every live thread whose name is in {@code names}, by name. */
    static Map<String, Long> snapshot(final String... names)
    {
        final Map<String, Long> bytes = new LinkedHashMap<>();
        for (final String name : names)
        {
            bytes.put(name, 0L);
        }
        for (final Thread t : Thread.getAllStackTraces().keySet())
        {
            if (bytes.containsKey(t.getName()))
            {
                bytes.merge(t.getName(), THREADS.getThreadAllocatedBytes(t.getId()), Long::sum);
            }
        }
        return bytes;
    }

    /** The current thread's allocated bytes so far. */
    static long current()
    {
        return THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
