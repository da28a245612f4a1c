package dev.strand.bench.cluster;

import dev.strand.cluster.ClusterMembers;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One cluster member in a JVM of its own, started by {@link ChildMembers}:
 * {@code MemberMain bare|strand|none <members> <id> <dataDir> <idempotencyWindow>}. Prints {@code READY} on stdout once the member's
 * parts are up, then runs until its stdin ends (the parent closed it, or the parent died), closes the member and
 * exits. So a member never outlives the harness that started it.
 */
public final class MemberMain
{
    /** The line a child prints once its member started. */
    static final String READY = "READY";

    private MemberMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        if (args.length != 5)
        {
            System.err.println("usage: MemberMain bare|strand|none <id=host:basePort,...> <memberId> <dataDir> <idempotencyWindow>");
            System.exit(2);
        }
        final MemberSetup.Kind kind = MemberSetup.Kind.valueOf(args[0].toUpperCase(java.util.Locale.ROOT));
        final ClusterMembers members = ClusterMembers.parse(args[1]);
        final int id = Integer.parseInt(args[2]);
        final Path dir = Path.of(args[3]);
        final int window = Integer.parseInt(args[4]);
        int status = 0;
        try (AutoCloseable member = MemberSetup.start(kind, members, id, dir, window))
        {
            System.out.println(READY);
            System.out.flush();
            awaitEndOfInput();
        }
        catch (final Exception ex)
        {
            System.err.println("member " + id + " (" + kind.label() + "): " + ex);
            status = 1;
        }
        System.exit(status);
    }

    private static void awaitEndOfInput()
    {
        try
        {
            while (System.in.read() != -1)
            {
                // nothing is ever sent; only the end matters
            }
        }
        catch (final IOException ex)
        {
            // the pipe broke: the parent is gone
        }
    }
}
