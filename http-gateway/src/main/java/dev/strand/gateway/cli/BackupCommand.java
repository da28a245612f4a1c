package dev.strand.gateway.cli;

import dev.strand.journal.BackupManifest;
import dev.strand.journal.JournalBackup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code strand backup --data-dir DIR --to DIR}: a backup of a data directory, with or without a server on it. */
@Command(
    name = "backup",
    mixinStandardHelpOptions = true,
    versionProvider = StrandVersion.class,
    description = {
        "Backs up a data directory into a new backup-<position>-<millis> directory under --to: the newest snapshot " +
            "on disk that checks out and belongs to the journal, the journal up to its end as this command finds it " +
            "(every record checked on the way), and a manifest with the chain hash there. Safe beside a running " +
            "server (it writes nothing into the data directory; the server goes on appending after the backup's " +
            "position). A running server's POST /admin/backups also records the state hash and needs no snapshot " +
            "on disk."},
    footerHeading = "%nExit status:%n",
    footer = {"  0  backed up (the lines name the backup, its position and chain hash)",
        "  1  failed: the journal is damaged or the backup cannot be written (nothing is left under a backup's name)",
        "  2  usage error"})
final class BackupCommand implements Callable<Integer>
{
    private final PrintStream out;
    private final PrintStream err;

    @Option(names = "--data-dir", required = true, paramLabel = "<dir>", description = "the data directory to back up")
    Path dataDir;

    @Option(names = "--to", required = true, paramLabel = "<dir>",
        description = "the backup root: the backup is a new directory in it (created if missing)")
    Path to;

    BackupCommand(final PrintStream out, final PrintStream err)
    {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call()
    {
        if (!Files.isDirectory(dataDir.resolve(JournalBackup.JOURNAL)))
        {
            err.println("strand: no journal in " + dataDir.toAbsolutePath().normalize() + " (expected " +
                dataDir.resolve(JournalBackup.JOURNAL) + ")");
            return ExitCode.USAGE;
        }
        final BackupManifest m = JournalBackup.ofDataDirectory(dataDir, to);
        print(out, m);
        return ExitCode.OK;
    }

    static void print(final PrintStream out, final BackupManifest m)
    {
        out.println("backup           " + m.path());
        out.println("position         " + m.position());
        out.println("hash             " + (m.hash() == null ? "none (the journal predates the hash chain)" : m.hash()));
        out.println("first position   " + m.firstPosition());
        out.println("commits          " + m.commits());
        out.println("snapshot         " + (m.snapshot() == null ? "none (restoring replays the journal)" :
            m.snapshot() + " at position " + m.snapshotPosition()));
        out.println("state hash       " + (m.stateHash() == null ? "not computed" : m.stateHash()));
        out.println("bytes            " + m.bytes());
        out.println("took             " + m.durationMillis() + " ms");
    }
}
