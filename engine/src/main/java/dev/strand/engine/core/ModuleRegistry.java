package dev.strand.engine.core;

import dev.strand.engine.spi.AggregateModule;
import dev.strand.engine.spi.CommandType;
import dev.strand.engine.spi.EventType;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The aggregate modules, indexed by aggregate type, command type, event type name and event class. Built once at
 * start, read-only after (safe to share between threads).
 */
public final class ModuleRegistry
{
    private static final Pattern TYPE_NAME = Pattern.compile("[a-z][a-z0-9-]{0,63}");

    private final Map<String, AggregateModule<?>> modules = new HashMap<>();
    private final Map<String, CommandType<?, ?>> commandTypes = new HashMap<>();
    private final Map<String, EventType<?, ?>> eventTypes = new HashMap<>();
    private final Map<Class<?>, EventType<?, ?>> eventTypesByClass = new IdentityHashMap<>();

    public ModuleRegistry(final List<AggregateModule<?>> list)
    {
        for (final AggregateModule<?> module : list)
        {
            final String type = module.aggregateType();
            if (!TYPE_NAME.matcher(type).matches())
            {
                throw new IllegalArgumentException("aggregate type must match " + TYPE_NAME + ": " + type);
            }
            if (modules.putIfAbsent(type, module) != null)
            {
                throw new IllegalArgumentException("two modules register aggregate type " + type);
            }
            module.bind();
            for (final CommandType<?, ?> commandType : module.commandTypes())
            {
                if (commandTypes.putIfAbsent(commandType.name(), commandType) != null)
                {
                    throw new IllegalArgumentException("command type registered twice: " + commandType.name());
                }
            }
            for (final EventType<?, ?> eventType : module.eventTypes())
            {
                if (eventTypes.putIfAbsent(eventType.name(), eventType) != null)
                {
                    throw new IllegalArgumentException("event type registered twice: " + eventType.name());
                }
                if (eventTypesByClass.putIfAbsent(eventType.javaType(), eventType) != null)
                {
                    throw new IllegalArgumentException("event class used by two event types: " + eventType.javaType());
                }
            }
        }
    }

    public AggregateModule<?> module(final String aggregateType)
    {
        return modules.get(aggregateType);
    }

    public CommandType<?, ?> commandType(final String name)
    {
        return commandTypes.get(name);
    }

    /** @return the registered command type names, sorted. */
    public java.util.List<String> commandTypeNames()
    {
        return commandTypes.keySet().stream().sorted().toList();
    }

    public EventType<?, ?> eventType(final String name)
    {
        return eventTypes.get(name);
    }

    public EventType<?, ?> eventTypeOf(final Object event)
    {
        return eventTypesByClass.get(event.getClass());
    }
}
