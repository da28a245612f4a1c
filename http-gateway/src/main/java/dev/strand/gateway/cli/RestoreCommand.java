package dev.strand.gateway.cli;

import dev.strand.journal.BackupManifest;
import dev.strand.journal.JournalBackup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code strand restore --from BACKUP --data-dir NEW}: prepares a new data directory from a backup. */
@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    versionProvider = StrandVersion.class,
    description = {
        "Prepares a new data directory from a backup: copies its journal and snapshot beside the target, verifies " +
            "the copy (the manifest's checksum, every journal record's checksum and the hash chain up to the " +
            "manifest's chain hash, the snapshot's checksum and chain hash), then moves it into place. Refuses a " +
            "target that is not empty; a backup that does not verify leaves nothing behind. Then start a server " +
            "with --data-dir pointing at it. With --cluster-seed, the directory seeds a member of a new cluster: " +
            "restore the same backup into every member's data directory and start them with --cluster-members; " +
            "each starts from the backup's state, and the cluster's first command follows its last position."},
    footerHeading = "%nExit status:%n",
    footer = {"  0  restored", "  1  the backup does not verify, or copying failed (the line says why)",
        "  2  usage error: the target is not empty, or the backup is not a directory"})
final class RestoreCommand implements Callable<Integer>
{
    private final PrintStream out;
    private final PrintStream err;

    @Option(names = "--from", required = true, paramLabel = "<backup>", description = "the backup directory")
    Path from;

    @Option(names = "--data-dir", required = true, paramLabel = "<dir>",
        description = "the new data directory: missing or empty")
    Path dataDir;

    @Option(names = "--cluster-seed", description = "prepare a member of a new cluster (docs/operations.md, " +
        "\"Cluster members\"): writes cluster-seed.properties beside the journal")
    boolean clusterSeed;

    RestoreCommand(final PrintStream out, final PrintStream err)
    {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws IOException
    {
        if (!Files.isDirectory(from))
        {
            err.println("strand: the backup " + from + " is not a directory");
            return ExitCode.USAGE;
        }
        if (Files.exists(dataDir) && (!Files.isDirectory(dataDir) || !empty(dataDir)))
        {
            err.println("strand: " + dataDir.toAbsolutePath().normalize() + " is not empty: restore prepares a new " +
                "data directory and never writes over one");
            return ExitCode.USAGE;
        }
        final long start = System.nanoTime();
        final BackupManifest m = JournalBackup.restore(from, dataDir);
        if (clusterSeed)
        {
            dev.strand.journal.ClusterSeed.of(m).writeTo(dataDir.toAbsolutePath().normalize());
        }
        out.println("restored         " + dataDir.toAbsolutePath().normalize() + " from " + m.path());
        out.println("position         " + m.position());
        out.println("hash             " + (m.hash() == null ? "none (the journal predates the hash chain)" : m.hash()));
        out.println("snapshot         " + (m.snapshot() == null ? "none (the server replays the journal)" :
            m.snapshot() + " at position " + m.snapshotPosition()));
        out.println("state hash       " + (m.stateHash() == null ? "not recorded" : m.stateHash() +
            " (GET /admin/state-hash of a server started on it, before any new command)"));
        if (clusterSeed)
        {
            out.println("cluster seed     " + dev.strand.journal.ClusterSeed.FILE + ": start this directory as a member " +
                "with --cluster-members and --member-id; restore the same backup for every member");
        }
        out.println("took             " + (System.nanoTime() - start) / 1_000_000 + " ms");
        return ExitCode.OK;
    }

    private static boolean empty(final Path dir) throws IOException
    {
        try (Stream<Path> entries = Files.list(dir))
        {
            return entries.findAny().isEmpty();
        }
    }
}
