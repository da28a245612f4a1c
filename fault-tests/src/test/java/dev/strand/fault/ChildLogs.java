package dev.strand.fault;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Prints the logs of the child servers a failed test started, the last {@value #TAIL_LINES} lines of each, so a green
 * build shows none of the ERROR lines and stack traces the faults provoke on purpose, and a red one shows what the
 * server said. The files stay in {@code target/fault-work/<test>/} either way until the test passes. Registered for
 * every test class of this module by JUnit's extension auto-detection (junit-platform.properties).
 */
public final class ChildLogs implements BeforeAllCallback, BeforeEachCallback, TestWatcher
{
    static final int TAIL_LINES = 200;
    private static final List<Path> STARTED = new CopyOnWriteArrayList<>();
    private static final ExtensionContext.Namespace MARKS = ExtensionContext.Namespace.create(ChildLogs.class);

    /** Called by {@link StrandProcess} for every child it launches. */
    static void started(final Path log)
    {
        STARTED.add(log.toAbsolutePath());
    }

    @Override
    public void beforeAll(final ExtensionContext context)
    {
        context.getStore(MARKS).put("class", STARTED.size());
    }

    @Override
    public void beforeEach(final ExtensionContext context)
    {
        // the class-level mark is still visible here: logs started since it by @BeforeAll belong to every test
        context.getParent().orElseThrow().getStore(MARKS).getOrComputeIfAbsent("first-test", k -> STARTED.size());
        context.getStore(MARKS).put("test", STARTED.size());
    }

    @Override
    public void testFailed(final ExtensionContext context, final Throwable cause)
    {
        final ExtensionContext.Store classMarks = context.getParent().orElseThrow().getStore(MARKS);
        final int classStart = classMarks.getOrDefault("class", Integer.class, 0);
        final int firstTest = classMarks.getOrDefault("first-test", Integer.class, classStart);
        final int testStart = context.getStore(MARKS).getOrDefault("test", Integer.class, firstTest);
        final Set<Path> logs = new LinkedHashSet<>(STARTED.subList(classStart, firstTest));
        logs.addAll(STARTED.subList(testStart, STARTED.size()));
        for (final Path log : logs)
        {
            if (Files.exists(log))
            {
                System.out.println(tail(log, context.getDisplayName()));
            }
        }
    }

    private static String tail(final Path log, final String test)
    {
        final List<String> lines = new ArrayList<>(StrandProcess.readText(log).lines().toList());
        final List<String> last = lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
        return "---- " + test + " failed; the last " + last.size() + " of " + lines.size() + " lines of " + log + ":\n" +
            String.join("\n", last) + "\n---- end of " + log;
    }
}
