package dev.strand.gateway.metrics;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops the one warning Micrometer logs at every start because each HTTP verticle instance registers Vert.x's
 * server gauges again ({@code This Gauge has been already registered (MeterId{name='vertx.http.server.active.connections'...}}):
 * vertx-micrometer-metrics shares one counter per gauge id between the instances, so the gauge counts every
 * instance's connections and the second registration loses nothing. Only that message, only for Vert.x's
 * {@code vertx.*} meters: a duplicate registration of any other meter is still logged. Installed by logback.xml.
 */
public final class SharedGaugeWarningFilter extends TurboFilter
{
    static final String LOGGER = "io.micrometer.core.instrument.MeterRegistry";
    static final String MESSAGE = "This Gauge has been already registered (MeterId{name='vertx.";

    @Override
    public FilterReply decide(
        final Marker marker, final Logger logger, final Level level, final String format, final Object[] params, final Throwable t)
    {
        if (format != null && level == Level.WARN && LOGGER.equals(logger.getName()) && format.startsWith(MESSAGE))
        {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }
}
