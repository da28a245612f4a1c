package dev.strand.bench.baseline;

import dev.strand.cluster.ClusterClient;
import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * Baseline client of {@link BareLedgerService}: one {@link AeronCluster} session, set up as Strand's
 * {@link ClusterClient} sets up its own (the same ingress and egress channels and term lengths, the same idle
 * strategy, an Aeron client on the given driver), driven by the calling thread: it offers messages while fewer than
 * the window are unanswered and polls egress, idling with the strategy when neither had work.
 *
 * <p>Every reply is checked: with one session the log holds the messages in the order they were offered, so the
 * {@code n}-th message (account {@code n % accounts}) must come back as the {@code n}-th reply with the balance
 * {@code (n / accounts + 1) * amount}. A reply out of order or with another balance counts as a failure, and so does
 * a message that never got one.
 */
public final class BareClusterClient implements AutoCloseable
{
    /** The amount every message deposits. */
    public static final long AMOUNT = 100;
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    private static final long KEEP_ALIVE_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);

    /** What a closed loop did: replies counted between its start and end, and the failures seen. */
    public record Loop(long replies, double seconds, long failures)
    {
        public double perSecond()
        {
            return replies / seconds;
        }
    }

    private final Aeron aeron;
    private final AeronCluster cluster;
    private final IdleStrategy idle;
    private final int messageLength;
    private final int accounts;
    private final UnsafeBuffer message;
    private long sent;
    private long received;
    private long failures;
    private long leaderChanges;

    private BareClusterClient(final ClusterClient.Config config, final int messageLength, final int accounts,
        final long connectTimeoutNs)
    {
        if (messageLength < BareLedgerService.MIN_MESSAGE_LENGTH || messageLength > BareLedgerService.MAX_MESSAGE_LENGTH)
        {
            throw new IllegalArgumentException("message length must be " + BareLedgerService.MIN_MESSAGE_LENGTH + ".." +
                BareLedgerService.MAX_MESSAGE_LENGTH + ": " + messageLength);
        }
        this.messageLength = messageLength;
        this.accounts = accounts;
        this.message = new UnsafeBuffer(new byte[messageLength]);
        this.idle = BareClusterMember.idleStrategy(config.idleStrategy()).get();
        this.aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(config.aeronDirectoryName()));
        AeronCluster connected = null;
        final long deadline = System.nanoTime() + connectTimeoutNs;
        try
        {
            while (connected == null)
            {
                try
                {
                    connected = AeronCluster.connect(new AeronCluster.Context()
                        .aeron(aeron)
                        .ownsAeronClient(false)
                        .ingressChannel("aeron:udp?term-length=" + config.termLength())
                        .ingressEndpoints(config.ingressEndpoints())
                        .egressChannel("aeron:udp?endpoint=" + config.egressHost() + ":0|term-length=" + config.termLength())
                        .messageTimeoutNs(config.connectTimeoutNs())
                        .egressListener(new Listener()));
                }
                catch (final RuntimeException ex)
                {
                    if (System.nanoTime() - deadline > 0)
                    {
                        throw new IllegalStateException("no session with the bare cluster: " + ex, ex);
                    }
                }
            }
        }
        finally
        {
            if (connected == null)
            {
                CloseHelper.quietClose(aeron);
            }
        }
        this.cluster = connected;
    }

    /**
     * Connects (retrying until {@code connectTimeoutNs}: the members may still be electing).
     *
     * @param config the settings a Strand {@link ClusterClient} would get.
     */
    public static BareClusterClient connect(final ClusterClient.Config config, final int messageLength,
        final int accounts, final long connectTimeoutNs)
    {
        return new BareClusterClient(config, messageLength, accounts, connectTimeoutNs);
    }

    public int leaderMemberId()
    {
        return cluster.leaderMemberId();
    }

    /** Sends {@code count} messages one window at a time and waits for their replies (accounts get a balance). */
    public void send(final long count, final int window, final long timeoutNs)
    {
        final long target = sent + count;
        final long deadline = System.nanoTime() + timeoutNs;
        while (received < target)
        {
            int work = 0;
            while (sent < target && sent - received < window && offerNext())
            {
                work++;
            }
            work += poll();
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("bare cluster: " + (target - received) + " replies missing after " +
                    TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms");
            }
            idle.idle(work);
        }
    }

    /**
     * Closed loop: keeps {@code window} messages unanswered for {@code warmupNs} then {@code measureNs}, counting the
     * replies of the second interval, then waits for the rest. {@code atStart} and {@code atEnd} run on this thread
     * when the measured interval begins and ends (to read CPU counters).
     */
    public Loop closedLoop(final int window, final long warmupNs, final long measureNs, final Runnable atStart,
        final Runnable atEnd)
    {
        final long failuresBefore = failures;
        final long start = System.nanoTime() + warmupNs;
        final long end = start + measureNs;
        long repliesAtStart = -1;
        long now;
        while ((now = System.nanoTime()) - end < 0)
        {
            if (repliesAtStart < 0 && now - start >= 0)
            {
                repliesAtStart = received;
                atStart.run();
            }
            int work = 0;
            while (sent - received < window && offerNext())
            {
                work++;
            }
            work += poll();
            idle.idle(work);
        }
        final long replies = received - repliesAtStart;
        final double seconds = (System.nanoTime() - start) / 1e9;
        atEnd.run();
        final long drainEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (received < sent && System.nanoTime() - drainEnd < 0)
        {
            idle.idle(poll());
        }
        failures += sent - received;
        received = sent;
        return new Loop(replies, seconds, failures - failuresBefore);
    }

    /** Keeps the session alive (and polls egress) for {@code ns} with nothing to send. */
    public void idleFor(final long ns)
    {
        final long end = System.nanoTime() + ns;
        long lastKeepAlive = System.nanoTime();
        long now;
        while ((now = System.nanoTime()) - end < 0)
        {
            int work = poll();
            if (now - lastKeepAlive > KEEP_ALIVE_INTERVAL_NS && cluster.sendKeepAlive())
            {
                lastKeepAlive = now;
                work++;
            }
            idle.idle(work);
        }
    }

    /**
     * NEW_LEADER events the session followed. This client sends nothing again: messages the old leader had not
     * committed get no reply, and the loop counts them as failures.
     */
    public long leaderChanges()
    {
        return leaderChanges;
    }

    /** Replies that were out of order or carried the wrong balance, and replies missing at the end of a loop. */
    public long failures()
    {
        return failures;
    }

    private boolean offerNext()
    {
        final long n = sent;
        message.putLong(BareLedgerService.CORRELATION_OFFSET, n, ORDER);
        message.putLong(BareLedgerService.ACCOUNT_OFFSET, n % accounts, ORDER);
        message.putLong(BareLedgerService.AMOUNT_OFFSET, AMOUNT, ORDER);
        final long result = cluster.offer(message, 0, messageLength);
        if (result > 0)
        {
            sent++;
            return true;
        }
        if (result == Publication.MAX_POSITION_EXCEEDED)
        {
            throw new IllegalStateException("bare cluster: ingress refused the offer: " + result);
        }
        // BACK_PRESSURED, ADMIN_ACTION, or NOT_CONNECTED / CLOSED while the session follows a new leader (its old
        // ingress publication is closed then): poll, then again; a session that is gone for good fails the poll.
        return false;
    }

    private int poll()
    {
        final int work = cluster.pollEgress();
        if (cluster.isClosed())
        {
            throw new IllegalStateException("bare cluster: the session closed");
        }
        return work;
    }

    private final class Listener implements EgressListener
    {
        @Override
        public void onNewLeader(final long clusterSessionId, final long leadershipTermId, final int leaderMemberId,
            final String ingressEndpoints)
        {
            leaderChanges++;
        }

        @Override
        public void onMessage(final long clusterSessionId, final long timestamp, final DirectBuffer buffer,
            final int offset, final int length, final Header header)
        {
            final long n = buffer.getLong(offset + BareLedgerService.CORRELATION_OFFSET, ORDER);
            final long balance = buffer.getLong(offset + BareLedgerService.AMOUNT_OFFSET, ORDER);
            if (n < received || n >= sent || length != messageLength)
            {
                failures++;
                return;
            }
            // After a leader change, messages the old leader had not committed get no reply (counted lost), and
            // balances no longer follow from the message numbers.
            failures += n - received;
            if (leaderChanges == 0 && balance != (n / accounts + 1) * AMOUNT)
            {
                failures++;
            }
            received = n + 1;
        }
    }

    @Override
    public void close()
    {
        CloseHelper.quietClose(cluster);
        CloseHelper.quietClose(aeron);
    }
}
