package dev.strand.engine.core;

import dev.strand.engine.spi.AggregateModule;
import dev.strand.engine.spi.CommandType;
import dev.strand.engine.spi.EventType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The aggregate modules, indexed by aggregate type; their command and event types by name within their aggregate
 * type (two modules may both have a {@code Create}); event types by class and modules by state class. Built once at
 * start, read-only after (safe to share between threads).
 */
public final class ModuleRegistry
{
    private static final Pattern TYPE_NAME = Pattern.compile("[a-z][a-z0-9-]{0,63}");

    private final Map<String, AggregateModule<?>> modules = new TreeMap<>();
    private final Map<String, Map<String, CommandType<?, ?>>> commandTypes = new HashMap<>();
    private final Map<String, List<CommandType<?, ?>>> commandTypesByName = new TreeMap<>();
    private final Map<String, Map<String, EventType<?, ?>>> eventTypes = new HashMap<>();
    private final Map<Class<?>, EventType<?, ?>> eventTypesByClass = new IdentityHashMap<>();
    private final Map<Class<?>, AggregateModule<?>> modulesByState = new IdentityHashMap<>();

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
            final Map<String, CommandType<?, ?>> commands = new HashMap<>();
            for (final CommandType<?, ?> commandType : module.commandTypes())
            {
                if (commands.putIfAbsent(commandType.name(), commandType) != null)
                {
                    throw new IllegalArgumentException("aggregate type " + type + " registers command type " +
                        commandType.name() + " twice");
                }
                commandTypesByName.computeIfAbsent(commandType.name(), n -> new ArrayList<>(1)).add(commandType);
            }
            commandTypes.put(type, commands);
            final Map<String, EventType<?, ?>> events = new HashMap<>();
            for (final EventType<?, ?> eventType : module.eventTypes())
            {
                if (events.putIfAbsent(eventType.name(), eventType) != null)
                {
                    throw new IllegalArgumentException("aggregate type " + type + " registers event type " +
                        eventType.name() + " twice");
                }
                if (eventTypesByClass.putIfAbsent(eventType.javaType(), eventType) != null)
                {
                    throw new IllegalArgumentException("event class used by two event types: " + eventType.javaType());
                }
            }
            eventTypes.put(type, events);
            final Class<?> stateType = module.stateType();
            if (stateType != null && modulesByState.putIfAbsent(stateType, module) != null)
            {
                throw new IllegalArgumentException("state class used by two aggregate types: " + stateType.getName());
            }
        }
    }

    public AggregateModule<?> module(final String aggregateType)
    {
        return modules.get(aggregateType);
    }

    /** @return the modules, in aggregate type order. */
    public List<AggregateModule<?>> modules()
    {
        return List.copyOf(modules.values());
    }

    /** @return the registered aggregate types, sorted. */
    public List<String> aggregateTypes()
    {
        return List.copyOf(modules.keySet());
    }

    /** @return the command type {@code name} of {@code aggregateType}, or null. */
    public CommandType<?, ?> commandType(final String aggregateType, final String name)
    {
        final Map<String, CommandType<?, ?>> commands = commandTypes.get(aggregateType);
        return commands == null ? null : commands.get(name);
    }

    /** @return every command type called {@code name}, one per aggregate type that has one (empty: none). */
    public List<CommandType<?, ?>> commandTypesNamed(final String name)
    {
        final List<CommandType<?, ?>> types = commandTypesByName.get(name);
        return types == null ? List.of() : types;
    }

    /**
     * @return the registered command type names, sorted; a name several aggregate types have is followed by them
     * ({@code "Create (item, order)"}).
     */
    public List<String> commandTypeNames()
    {
        final List<String> names = new ArrayList<>(commandTypesByName.size());
        for (final Map.Entry<String, List<CommandType<?, ?>>> e : commandTypesByName.entrySet())
        {
            if (e.getValue().size() == 1)
            {
                names.add(e.getKey());
            }
            else
            {
                names.add(e.getKey() + " (" + String.join(", ", aggregateTypesOf(e.getValue())) + ")");
            }
        }
        return names;
    }

    /** @return the aggregate types of {@code types}, sorted. */
    public static List<String> aggregateTypesOf(final List<CommandType<?, ?>> types)
    {
        return types.stream().map(t -> t.module().aggregateType()).sorted().toList();
    }

    /** @return the event type {@code name} of {@code aggregateType}, or null. */
    public EventType<?, ?> eventType(final String aggregateType, final String name)
    {
        final Map<String, EventType<?, ?>> events = eventTypes.get(aggregateType);
        return events == null ? null : events.get(name);
    }

    /** @return the event type whose class {@code event} is, or null. */
    public EventType<?, ?> eventTypeOf(final Object event)
    {
        return eventTypesByClass.get(event.getClass());
    }

    /** @return the module whose state class is {@code stateType} (modules that declare one), or null. */
    public AggregateModule<?> moduleOfState(final Class<?> stateType)
    {
        return modulesByState.get(stateType);
    }
}
