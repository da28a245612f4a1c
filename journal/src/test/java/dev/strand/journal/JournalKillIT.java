package dev.strand.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 a child JVM that appends with the pre-allocator running: every acknowledged event must read back,
 * the journal must verify, and appends must continue. Twice, so the second kill hits a recovered journal.
 */
class JournalKillIT
{
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldKeepEveryAcknowledgedEventAcrossKillMinusNine() throws Exception
    {
        long acknowledged = 0;
        for (int round = 1; round <= 2; round++)
        {
            acknowledged = runAndKill(acknowledged + 20_000);
            try (Journal journal = Journal.open(Fixtures.config(dir).build()))
            {
                assertThat(journal.lastPosition()).isGreaterThanOrEqualTo(acknowledged);
                try (JournalReader reader = journal.newReader())
                {
                    final EventRecord e = new EventRecord();
                    long position = 0;
                    while (reader.next(e))
                    {
                        position++;
                        Fixtures.assertEvent(e, position, e.payloadLength());
                    }
                    assertThat(position).isEqualTo(journal.lastPosition());
                }
            }
            final VerifyReport report = JournalVerifier.verify(dir);
            assertThat(report.isCorrupt()).as(report.summary()).isFalse();
            assertThat(report.tornTail()).as(report.summary()).isEmpty();
        }
    }

    private long runAndKill(final long killAfter) throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (arg.startsWith("--add-") || arg.startsWith("-Dchronicle"))
            {
                command.add(arg);
            }
        }
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path") + File.pathSeparator + System.getProperty("surefire.test.class.path", ""));
        command.add(KillTarget.class.getName());
        command.add(dir.toString());
        final Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long acknowledged = -1;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(),
            StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = lines.readLine()) != null)
            {
                if (line.startsWith("ACK "))
                {
                    acknowledged = Long.parseLong(line.substring(4));
                    if (acknowledged >= killAfter)
                    {
                        child.destroyForcibly();
                        break;
                    }
                }
            }
        }
        finally
        {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(acknowledged).as("child acknowledged positions").isGreaterThanOrEqualTo(killAfter);
        return acknowledged;
    }
}
