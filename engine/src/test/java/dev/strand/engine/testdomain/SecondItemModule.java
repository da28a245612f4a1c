package dev.strand.engine.testdomain;

import dev.strand.engine.spi.AggregateModule;
import dev.strand.engine.spi.CommandType;
import dev.strand.engine.spi.EventType;
import dev.strand.engine.spi.FieldReader;
import dev.strand.engine.spi.FieldWriter;

import java.util.List;

/**
 * A second module claiming the aggregate type {@code item} (the inventory module's): not registered on the test
 * class path, only named by the jars ModuleDirectoryTest builds, to prove a clash is refused.
 */
public final class SecondItemModule extends AggregateModule<String>
{
    @Override
    public String aggregateType()
    {
        return "item";
    }

    @Override
    public String initialState()
    {
        return "";
    }

    @Override
    public List<CommandType<String, ?>> commandTypes()
    {
        return List.of();
    }

    @Override
    public List<EventType<String, ?>> eventTypes()
    {
        return List.of();
    }

    @Override
    public void writeState(final String state, final FieldWriter out)
    {
        out.writeString("value", state);
    }

    @Override
    public String readState(final FieldReader in)
    {
        return in.readString("value", "");
    }
}
