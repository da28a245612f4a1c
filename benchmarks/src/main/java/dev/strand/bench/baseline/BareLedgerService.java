package dev.strand.bench.baseline;

import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.ImageFragmentAssembler;
import io.aeron.Publication;
import io.aeron.cluster.codecs.CloseReason;
import io.aeron.cluster.service.ClientSession;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredService;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * Baseline for the cluster figures: the most trivial deterministic clustered service that still does what a ledger
 * does with a Deposit. A message is fixed-size, little-endian: {@code correlationId i64 | account i64 | amount i64 |
 * padding to the message size}; the service adds the amount to the account's balance (a primitive map) and the leader
 * answers with the same bytes, the new balance in place of the amount (an echo the client can check). No decoding, no
 * journal, no idempotency window, no events: what is left is Aeron Cluster's own cost per message (ingress, the
 * replicated log, the archive's recording, consensus, the service's duty cycle, egress).
 *
 * <p>Like Strand's service it answers only as leader (Aeron mocks egress on followers and in replay), bounds every
 * offer (a client whose egress is gone answers NOT_CONNECTED for ever), and writes its whole state to a snapshot when
 * the cluster takes one (none is taken during a benchmark).
 */
public final class BareLedgerService implements ClusteredService
{
    public static final int CORRELATION_OFFSET = 0;
    public static final int ACCOUNT_OFFSET = 8;
    public static final int AMOUNT_OFFSET = 16;
    /** Shortest message: the three fields. */
    public static final int MIN_MESSAGE_LENGTH = 24;
    /** Longest message (and reply) the service handles. */
    public static final int MAX_MESSAGE_LENGTH = 4096;
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    private static final int OFFER_ATTEMPTS = 20;
    /** Balances per snapshot message: {@code count i32 | (account i64 | balance i64) * count}. */
    private static final int SNAPSHOT_CHUNK = 1024;

    private final Long2LongHashMap balances = new Long2LongHashMap(0);
    private final UnsafeBuffer reply = new UnsafeBuffer(new byte[MAX_MESSAGE_LENGTH]);
    private Cluster cluster;

    private volatile Cluster.Role role = Cluster.Role.FOLLOWER;
    private volatile long messages;
    private volatile long refused;
    private volatile long droppedReplies;

    @Override
    public void onStart(final Cluster cluster, final Image snapshotImage)
    {
        this.cluster = cluster;
        if (snapshotImage != null)
        {
            loadSnapshot(snapshotImage);
        }
    }

    @Override
    public void onSessionOpen(final ClientSession session, final long timestamp)
    {
    }

    @Override
    public void onSessionClose(final ClientSession session, final long timestamp, final CloseReason closeReason)
    {
    }

    @Override
    public void onSessionMessage(final ClientSession session, final long timestamp, final DirectBuffer buffer,
        final int offset, final int length, final Header header)
    {
        if (length < MIN_MESSAGE_LENGTH || length > MAX_MESSAGE_LENGTH)
        {
            refused++;
            return;
        }
        messages++;
        final long account = buffer.getLong(offset + ACCOUNT_OFFSET, ORDER);
        final long balance = balances.get(account) + buffer.getLong(offset + AMOUNT_OFFSET, ORDER);
        balances.put(account, balance);
        if (session != null && cluster.role() == Cluster.Role.LEADER)
        {
            reply.putBytes(0, buffer, offset, length);
            reply.putLong(AMOUNT_OFFSET, balance, ORDER);
            offer(session, length);
        }
    }

    private void offer(final ClientSession session, final int length)
    {
        for (int attempt = 0; attempt < OFFER_ATTEMPTS; attempt++)
        {
            final long result = session.offer(reply, 0, length);
            if (result > 0)
            {
                return;
            }
            if (result != Publication.BACK_PRESSURED && result != Publication.ADMIN_ACTION)
            {
                break;
            }
            cluster.idleStrategy().idle();
        }
        droppedReplies++;
    }

    @Override
    public void onTimerEvent(final long correlationId, final long timestamp)
    {
    }

    @Override
    public void onTakeSnapshot(final ExclusivePublication snapshotPublication)
    {
        final UnsafeBuffer chunk = new UnsafeBuffer(new byte[4 + SNAPSHOT_CHUNK * 16]);
        final int[] count = {0};
        balances.forEachLong((account, balance) ->
        {
            chunk.putLong(4 + count[0] * 16, account, ORDER);
            chunk.putLong(4 + count[0] * 16 + 8, balance, ORDER);
            if (++count[0] == SNAPSHOT_CHUNK)
            {
                writeChunk(snapshotPublication, chunk, count[0]);
                count[0] = 0;
            }
        });
        writeChunk(snapshotPublication, chunk, count[0]);
    }

    /** Every snapshot ends with a chunk shorter than {@link #SNAPSHOT_CHUNK} (possibly empty): the end marker. */
    private void writeChunk(final ExclusivePublication publication, final UnsafeBuffer chunk, final int count)
    {
        chunk.putInt(0, count, ORDER);
        final int length = 4 + count * 16;
        long result;
        while ((result = publication.offer(chunk, 0, length)) < 0)
        {
            if (result == Publication.CLOSED || result == Publication.NOT_CONNECTED || result == Publication.MAX_POSITION_EXCEEDED)
            {
                throw new IllegalStateException("snapshot publication refused the write: " + result);
            }
            cluster.idleStrategy().idle();
        }
    }

    private void loadSnapshot(final Image image)
    {
        final boolean[] done = {false};
        final ImageFragmentAssembler assembler = new ImageFragmentAssembler((buffer, offset, length, header) ->
        {
            final int count = buffer.getInt(offset, ORDER);
            for (int i = 0; i < count; i++)
            {
                balances.put(buffer.getLong(offset + 4 + i * 16, ORDER), buffer.getLong(offset + 4 + i * 16 + 8, ORDER));
            }
            done[0] = count < SNAPSHOT_CHUNK;
        });
        while (!done[0])
        {
            if (image.isEndOfStream() || image.isClosed())
            {
                throw new IllegalStateException("the snapshot ended before its last chunk");
            }
            // One fragment a poll: the container's end-of-snapshot marker follows the last chunk and is not ours.
            cluster.idleStrategy().idle(image.poll(assembler, 1));
        }
    }

    @Override
    public void onRoleChange(final Cluster.Role newRole)
    {
        role = newRole;
    }

    @Override
    public void onTerminate(final Cluster cluster)
    {
    }

    /** The role Aeron last gave this member. */
    public Cluster.Role role()
    {
        return role;
    }

    /** Messages applied since start (replayed ones included). */
    public long messages()
    {
        return messages;
    }

    /** Messages refused for their length. */
    public long refused()
    {
        return refused;
    }

    /** Replies the leader could not send. */
    public long droppedReplies()
    {
        return droppedReplies;
    }
}
