package dev.strand.engine.core;

import dev.strand.engine.api.Command;
import dev.strand.engine.api.InvalidCommandException;
import dev.strand.engine.api.ResultCodes;
import dev.strand.engine.ledger.LedgerModule;
import dev.strand.engine.spi.Decision;
import dev.strand.engine.spi.MapFieldReader;
import dev.strand.engine.spi.RecordModule;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Command types are scoped by aggregate type: resolution from the envelope alone, and what the fingerprint covers
 * (the ledger's are the ones the build before records journaled: CommandMessagesTest's stored version-1 message).
 */
class CommandFactoryTest
{
    record Create(String label, Map<String, Long> counts)
    {
    }

    record Created(String label)
    {
    }

    record Box(String label)
    {
    }

    record Crate(String label)
    {
    }

    static final class BoxModule extends RecordModule<Box>
    {
        BoxModule()
        {
            super("box", Box.class, new Box(""));
            command(Create.class, (c, ctx) -> Decision.accept(new Created(c.label())));
            event(Created.class, (s, e) -> new Box(e.label()));
        }
    }

    record CrateCreated(String label)
    {
    }

    static final class CrateModule extends RecordModule<Crate>
    {
        CrateModule()
        {
            super("crate", Crate.class, new Crate(""));
            command(Create.class, (c, ctx) -> Decision.accept(new CrateCreated(c.label())));
            event("Created", dev.strand.engine.spi.EventVersions.of(CrateCreated.class), (s, e) -> new Crate(e.label()));
        }
    }

    private final CommandFactory factory = new CommandFactory(
        new ModuleRegistry(List.of(new LedgerModule(), new BoxModule(), new CrateModule())), () -> 1L);

    private Command create(final String aggregateType, final Map<String, Object> data)
    {
        return factory.newCommand("c-1", aggregateType, "Create", "x-1", Command.ANY_VERSION, null,
            new MapFieldReader(data), null);
    }

    private static Map<String, Object> data(final String label, final Object... counts)
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        map.put("label", label);
        final Map<String, Object> c = new LinkedHashMap<>();
        for (int i = 0; i < counts.length; i += 2)
        {
            c.put((String)counts[i], counts[i + 1]);
        }
        map.put("counts", c);
        return map;
    }

    @Test
    void shouldResolveANameSeveralAggregateTypesShareOnlyWithItsAggregateType()
    {
        assertThatThrownBy(() -> create(null, data("a"))).isInstanceOfSatisfying(InvalidCommandException.class, ex ->
        {
            assertThat(ex.rejection().code()).isEqualTo(ResultCodes.AMBIGUOUS_COMMAND_TYPE);
            assertThat(ex.rejection().field()).isEqualTo("aggregateType");
            assertThat(ex.rejection().detail()).contains("box, crate");
        });
        assertThat(create("box", data("a")).type().module().aggregateType()).isEqualTo("box");
        assertThat(create("crate", data("a")).type().module().aggregateType()).isEqualTo("crate");
        assertThat(factory.newCommand(null, null, "Deposit", "acc", Command.ANY_VERSION, null,
            new MapFieldReader(Map.of("amount", 1L)), null).type().module().aggregateType())
            .as("a name one aggregate type has resolves alone").isEqualTo(LedgerModule.TYPE);
        assertThat(factory.newCommand(null, "account", "Deposit", "acc", Command.ANY_VERSION, null,
            new MapFieldReader(Map.of("amount", 1L)), null).type().name()).isEqualTo("Deposit");
    }

    @Test
    void shouldNameWhatIsRegisteredWhenTheTypeIsUnknown()
    {
        assertThatThrownBy(() -> create("bag", data("a"))).isInstanceOfSatisfying(InvalidCommandException.class, ex ->
        {
            assertThat(ex.rejection().code()).isEqualTo(ResultCodes.UNKNOWN_AGGREGATE_TYPE);
            assertThat(ex.rejection().detail()).contains("account, box, crate");
        });
        assertThatThrownBy(() -> factory.newCommand(null, "box", "Deposit", "x", Command.ANY_VERSION, null,
            new MapFieldReader(Map.of()), null)).isInstanceOfSatisfying(InvalidCommandException.class, ex ->
            {
                assertThat(ex.rejection().code()).isEqualTo(ResultCodes.UNKNOWN_COMMAND_TYPE);
                assertThat(ex.rejection().detail()).endsWith("its command types: Create");
            });
        assertThatThrownBy(() -> factory.newCommand(null, null, "Teleport", "x", Command.ANY_VERSION, null,
            new MapFieldReader(Map.of()), null)).isInstanceOfSatisfying(InvalidCommandException.class,
                ex -> assertThat(ex.rejection().detail())
                    .contains("CloseAccount, Create (box, crate), Deposit, OpenAccount, Transfer, Withdraw"));
    }

    @Test
    void shouldFingerprintTheDataWhateverTheDocumentsOrder()
    {
        final Command box = create("box", data("a", "x", 1L, "y", 2L));
        assertThat(create("box", data("a", "y", 2L, "x", 1L)).fingerprint()).as("map keys in another order")
            .isEqualTo(box.fingerprint());
        assertThat(create("crate", data("a", "x", 1L, "y", 2L)).fingerprint())
            .as("the aggregate type is not folded (journaled fingerprints predate it; an aggregate id has one type)")
            .isEqualTo(box.fingerprint());
        assertThat(create("box", data("a", "x", 1L, "y", 3L)).fingerprint()).isNotEqualTo(box.fingerprint());
        assertThat(create("box", data("a", "x", 1L)).fingerprint()).isNotEqualTo(box.fingerprint());
        assertThat(create("box", data("a")).fingerprint()).isNotEqualTo(create("box", data("ax")).fingerprint());
    }

    @Test
    void shouldScopeEventTypeNamesByAggregateType()
    {
        final ModuleRegistry registry = factory.registry();
        assertThat(registry.eventType("box", "Created").javaType()).isEqualTo(Created.class);
        assertThat(registry.eventType("crate", "Created").javaType()).isEqualTo(CrateCreated.class);
        assertThat(registry.eventType("account", "Created")).isNull();
    }
}
