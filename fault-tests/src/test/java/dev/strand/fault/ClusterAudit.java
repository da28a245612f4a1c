package dev.strand.fault;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.Map;

/**
 * The checks after a cluster run, once the writers stopped and every member is at the same journal position:
 * <ul>
 * <li>on every member, {@link LedgerAudit}'s: positions gapless, every command's events once and contiguous, every
 * acknowledged command at the position it was acknowledged with, no refused one, the read side equal to the replay;</li>
 * <li>every account's balance, on every member, equal to its seed plus the sum of its acknowledged deposits;</li>
 * <li>the members' journals identical: {@code GET /events} pages compared member against member, every field of every
 * event (position, aggregate, version, type, command id, timestamp, data);</li>
 * <li>equal state hashes ({@code GET /admin/state-hash}) at that one position.</li>
 * </ul>
 */
final class ClusterAudit
{
    private static final int PAGE = 5_000;

    /** What the audit found: the common journal position and state hash. */
    record Result(long position, String stateHash)
    {
    }

    private ClusterAudit()
    {
    }

    static Result check(final StrandCluster cluster, final ClusterLoad load)
    {
        load.checkHealthy();
        final long position = cluster.awaitConverged(Duration.ofSeconds(90));
        final Map<String, Long> expected = load.expectedBalances();
        for (int id = 0; id < cluster.size(); id++)
        {
            final Http http = cluster.http(id);
            final LedgerAudit audit;
            try
            {
                audit = new LedgerAudit().full(http).checkAgainst(load.acked, load.rejected).checkReadSide(http, load.accounts);
            }
            catch (final AssertionError ex)
            {
                throw new AssertionError("member " + id + ": " + ex.getMessage(), ex);
            }
            if (audit.size() != position)
            {
                throw new AssertionError("member " + id + " serves " + audit.size() + " events, its journal position is " + position);
            }
            for (final Map.Entry<String, Long> e : expected.entrySet())
            {
                final Long balance = audit.balances().get(e.getKey());
                if (!e.getValue().equals(balance))
                {
                    throw new AssertionError("member " + id + ": " + e.getKey() + " has balance " + balance +
                        ", its seed plus its acknowledged deposits is " + e.getValue());
                }
            }
        }
        identicalJournals(cluster, position);
        String hash = null;
        for (int id = 0; id < cluster.size(); id++)
        {
            final JsonObject h = cluster.stateHash(id);
            if (h.getLong("position") != position)
            {
                throw new AssertionError("member " + id + " gives its state hash at " + h + ", the journals end at " + position);
            }
            if (hash != null && !hash.equals(h.getString("stateHash")))
            {
                throw new AssertionError("member " + id + "'s state hash " + h + " differs from member 0's " + hash +
                    " at the same position " + position);
            }
            hash = h.getString("stateHash");
        }
        return new Result(position, hash);
    }

    /** Every member's {@code /events}, page by page, equal to member 0's. */
    static void identicalJournals(final StrandCluster cluster, final long end)
    {
        long from = 1;
        while (from <= end)
        {
            JsonArray reference = null;
            for (int id = 0; id < cluster.size(); id++)
            {
                final Http.Response r = cluster.http(id).get("/events?fromPosition=" + from + "&limit=" + PAGE);
                if (r.statusCode() != 200)
                {
                    throw new AssertionError("GET /events on member " + id + ": " + r);
                }
                final JsonArray page = r.json().getJsonArray("events");
                if (reference == null)
                {
                    reference = page;
                    continue;
                }
                if (!reference.equals(page))
                {
                    for (int i = 0; i < Math.max(reference.size(), page.size()); i++)
                    {
                        final Object a = i < reference.size() ? reference.getValue(i) : null;
                        final Object b = i < page.size() ? page.getValue(i) : null;
                        if (a == null || !a.equals(b))
                        {
                            throw new AssertionError("the journals differ at position " + (from + i) + ": member 0 has " + a +
                                ", member " + id + " has " + b);
                        }
                    }
                }
            }
            if (reference.isEmpty())
            {
                throw new AssertionError("GET /events from " + from + " is empty, the journals end at " + end);
            }
            from += reference.size();
        }
    }
}
