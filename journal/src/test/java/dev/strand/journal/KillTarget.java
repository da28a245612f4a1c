package dev.strand.journal;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Random;

/**
 * Child process for {@link JournalKillIT}: appends forever with a small pre-allocator (so it runs constantly)
 * and prints {@code ACK <position>} after each commit returns, i.e. once the commit was acknowledged.
 */
public final class KillTarget
{
    private KillTarget()
    {
    }

    /**
     * @param args {@code <journal-dir>}.
     */
    public static void main(final String[] args)
    {
        final JournalConfig config = JournalConfig.builder(Path.of(args[0]))
            .minFreeBytes(0)
            .preallocateAheadBytes(1 << 20)
            .preallocateMarginBytes(256 << 10)
            .preallocateChunkBytes(64 << 10)
            .build();
        final PrintStream out = System.out;
        final Random random = new Random();
        try (Journal journal = Journal.open(config))
        {
            out.println("OPEN " + journal.lastPosition());
            out.flush();
            while (true)
            {
                Fixtures.append(journal, 1, 1 + random.nextInt(4), 20 + random.nextInt(300));
                out.println("ACK " + journal.lastPosition());
                out.flush();
            }
        }
    }
}
