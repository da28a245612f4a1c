package dev.strand.gateway.testdomain;

import dev.strand.engine.spi.Projection;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A test projection over the {@code crate} module: crates per label. Its fold waits on {@link #gate} while one is
 * set, so a test can hold a rebuild on the projections' thread and see a second one refused.
 */
public final class CratesPerLabel extends Projection<CratesPerLabel.Crates>
{
    public static final String NAME = "crates-per-label";
    public static volatile CountDownLatch gate;

    public record Crates(long count)
    {
    }

    public CratesPerLabel()
    {
        super(NAME, Crates.class);
        on(CrateModule.CrateAssembled.class, (e, meta) -> e.label(), (row, e, meta) ->
        {
            final CountDownLatch g = gate;
            if (g != null)
            {
                try
                {
                    g.await(30, TimeUnit.SECONDS);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
            return new Crates(row == null ? 1 : row.count() + 1);
        });
    }
}
