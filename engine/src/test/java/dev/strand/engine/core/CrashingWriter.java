package dev.strand.engine.core;

import dev.strand.engine.api.Command;
import dev.strand.engine.api.CommandResult;
import dev.strand.engine.api.Engine;
import dev.strand.engine.api.EngineConfig;
import dev.strand.journal.JournalRollCycle;
import dev.strand.engine.spi.MapFieldReader;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Child-process main for the kill -9 test: opens the accounts, then writes deposits and transfers from two threads
 * as fast as the engine takes them, printing {@code ACK <commandId> <position>} for every accepted command only
 * after the engine reported it. Runs until killed.
 */
public final class CrashingWriter
{
    private CrashingWriter()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path dir = Path.of(args[0]);
        final int accounts = Integer.parseInt(args[1]);
        final JournalRollCycle rollCycle = args.length > 2 ? JournalRollCycle.valueOf(args[2]) : dev.strand.journal.JournalConfig.ROLL_CYCLE.defaultValue();
        final Engine engine = Engine.start(EngineConfig.builder(dir)
            .snapshotEveryEvents(5_000)
            .snapshotEverySeconds(1)
            .minFreeBytes(1024 * 1024)
            .rollCycle(rollCycle)
            .build());
        final BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.US_ASCII), 1 << 16);
        for (int i = 0; i < accounts; i++)
        {
            final Command open = engine.newCommand(null, "OpenAccount", "k-" + i, Command.ANY_VERSION, null,
                new MapFieldReader(Map.of("overdraftLimit", 1_000_000L)));
            engine.submit(open).get();
        }
        synchronized (out)
        {
            out.write("READY " + engine.journalPosition() + "\n");
            out.flush();
        }
        final String runId = Long.toHexString(System.nanoTime());
        final Runnable writer = () ->
        {
            final Semaphore inFlight = new Semaphore(256);
            long n = 0;
            final String prefix = runId + "-" + Thread.currentThread().getName() + "-";
            while (true)
            {
                final ThreadLocalRandom random = ThreadLocalRandom.current();
                final String from = "k-" + random.nextInt(accounts);
                final Command command;
                final String id = prefix + n++;
                if (random.nextInt(3) == 0)
                {
                    String to = "k-" + random.nextInt(accounts);
                    if (to.equals(from))
                    {
                        to = from.equals("k-0") ? "k-1" : "k-0";
                    }
                    command = engine.newCommand(id, "Transfer", from, Command.ANY_VERSION, null,
                        new MapFieldReader(Map.of("to", to, "amount", 1L + random.nextInt(100))));
                }
                else
                {
                    command = engine.newCommand(id, "Deposit", from, Command.ANY_VERSION, null,
                        new MapFieldReader(Map.of("amount", 1L + random.nextInt(100))));
                }
                inFlight.acquireUninterruptibly();
                engine.submit(command, result ->
                {
                    inFlight.release();
                    acknowledge(out, result);
                });
            }
        };
        final Thread a = new Thread(writer, "w1");
        final Thread b = new Thread(writer, "w2");
        a.start();
        b.start();
        a.join();
    }

    private static void acknowledge(final BufferedWriter out, final CommandResult result)
    {
        if (!result.accepted())
        {
            return;
        }
        try
        {
            synchronized (out)
            {
                out.write("ACK " + result.commandId() + " " + result.position() + "\n");
                out.flush();
            }
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
