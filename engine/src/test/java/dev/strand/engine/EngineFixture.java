package dev.strand.engine;

import dev.strand.engine.api.BatchResult;
import dev.strand.engine.api.Command;
import dev.strand.engine.api.CommandResult;
import dev.strand.engine.api.Engine;
import dev.strand.engine.api.EngineConfig;
import dev.strand.engine.spi.MapFieldReader;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** Starts real engines on a directory and submits commands synchronously, for tests. */
public final class EngineFixture
{
    private EngineFixture()
    {
    }

    /** Test defaults: no time-based snapshots, no preallocation (small temp dirs), a small free-space floor. */
    public static EngineConfig.Builder config(final Path dir)
    {
        return EngineConfig.builder(dir)
            .snapshotEverySeconds(0)
            .snapshotEveryEvents(0)
            .minFreeBytes(1024 * 1024)
            .preallocate(false);
    }

    public static Engine start(final Path dir)
    {
        return Engine.start(config(dir).build());
    }

    public static Engine start(final Path dir, final UnaryOperator<EngineConfig.Builder> tweak)
    {
        return Engine.start(tweak.apply(config(dir)).build());
    }

    /** Builds a data map from alternating keys and values. */
    public static Map<String, Object> data(final Object... keyValues)
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2)
        {
            map.put((String)keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    public static Command command(final Engine engine, final String type, final String id, final Map<String, Object> data)
    {
        return engine.newCommand(null, type, id, Command.ANY_VERSION, null, new MapFieldReader(data));
    }

    public static Command command(
        final Engine engine, final String commandId, final String type, final String id, final long expectedVersion,
        final Map<String, Object> data)
    {
        return engine.newCommand(commandId, type, id, expectedVersion, null, new MapFieldReader(data));
    }

    public static CommandResult run(final Engine engine, final Command command)
    {
        try
        {
            return engine.submit(command).get(30, TimeUnit.SECONDS);
        }
        catch (final Exception ex)
        {
            throw new AssertionError("command did not complete: " + command, ex);
        }
    }

    public static CommandResult run(final Engine engine, final String type, final String id, final Object... data)
    {
        return run(engine, command(engine, type, id, data(data)));
    }

    public static BatchResult runBatch(final Engine engine, final List<Command> commands, final boolean atomic)
    {
        final CompletableFuture<BatchResult> future = new CompletableFuture<>();
        engine.submitBatch(commands, atomic, future::complete);
        try
        {
            return future.get(30, TimeUnit.SECONDS);
        }
        catch (final Exception ex)
        {
            throw new AssertionError("batch did not complete", ex);
        }
    }
}
