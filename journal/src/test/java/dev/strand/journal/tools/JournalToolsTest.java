package dev.strand.journal.tools;

import dev.strand.journal.Journal;
import dev.strand.journal.JournalAppender;
import dev.strand.journal.JournalConfig;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class JournalToolsTest
{
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void writeJournal()
    {
        try (Journal journal = Journal.open(JournalConfig.builder(dir).preallocate(false).minFreeBytes(0).build()))
        {
            final JournalAppender appender = journal.appender();
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[]{ 1, 2, (byte)0xAB });
            for (long p = 1; p <= 10; p += 2)
            {
                appender.begin();
                appender.add(p, "account", "acc-" + p, 1, "Deposited", 2, 1000 + p, "cmd-" + p, "corr", "cmd-" + p,
                    payload, 0, 3);
                appender.add(p + 1, "account", "acc-" + p, 2, "Noted", 1, 1000 + p, "cmd-" + p, "corr", null,
                    payload, 0, 0);
                appender.commit();
            }
        }
    }

    @Test
    void verifyShouldExitZeroAndSummariseASoundJournal()
    {
        assertThat(JournalVerify.verify(dir, print(out), print(err))).isEqualTo(JournalVerify.OK);
        assertThat(text(out))
            .contains("status           OK")
            .contains("commits          5")
            .contains("events           10")
            .contains("first position   1")
            .contains("last position    10")
            .contains("cycle files      1")
            .contains(".cq4")
            .contains("dropped indexes  0");
    }

    @Test
    void verifyShouldExitTwoOnUsageErrors()
    {
        assertThat(JournalVerify.verify(dir.resolve("missing"), print(out), print(err))).isEqualTo(JournalVerify.USAGE);
        assertThat(text(err)).contains("not a directory: " + dir.resolve("missing"));
    }

    @Test
    void dumpShouldPrintOneLinePerEventFromAPositionWithALimit()
    {
        assertThat(JournalDump.dump(dir, 1, Long.MAX_VALUE, print(out), print(err))).isEqualTo(0);
        assertThat(text(out).lines()).hasSize(10);
        assertThat(text(out).lines().findFirst().orElseThrow())
            .isEqualTo("1 commit=1..2 ts=1001 aggregate=account/acc-1 v=1 event=Deposited@2 command=cmd-1 " +
                "correlation=corr causation=cmd-1 payload=3B:0102ab");

        out.reset();
        assertThat(JournalDump.dump(dir, 4, 3, print(out), print(err))).isEqualTo(0);
        assertThat(text(out).lines().map(l -> l.substring(0, l.indexOf(' '))))
            .containsExactly("4", "5", "6");
        assertThat(text(out)).contains("4 commit=3..4").contains("causation=null payload=0B:");
    }

    @Test
    void dumpShouldExitTwoOnUsageErrors()
    {
        assertThat(JournalDump.dump(dir, 0, 1, print(out), print(err))).isEqualTo(2);
        assertThat(JournalDump.dump(dir, 1, -1, print(out), print(err))).isEqualTo(2);
        assertThat(JournalDump.dump(dir.resolve("missing"), 1, 1, print(out), print(err))).isEqualTo(2);
        assertThat(text(err)).contains("fromPosition must be >= 1").contains("not a directory");
    }

    private static PrintStream print(final ByteArrayOutputStream bytes)
    {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    private static String text(final ByteArrayOutputStream bytes)
    {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
