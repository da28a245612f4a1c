package dev.strand.engine.api;

import dev.strand.engine.ledger.LedgerModule;
import dev.strand.engine.spi.AggregateModule;
import dev.strand.engine.spi.Decision;
import dev.strand.engine.spi.EventVersions;
import dev.strand.engine.spi.RecordModule;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code schemas.lock}: a locked event schema changed deliberately (a field added at the same schema version) is
 * refused; the same change as a new schema version with an upcaster passes; and the catalog's JSON Schemas have the
 * shape the records give them.
 */
class SchemaLockTest
{
    record Note(String text)
    {
    }

    record Write(String text)
    {
    }

    /** The event as the build that wrote the lock had it. */
    static final class Before
    {
        record Noted(String text)
        {
        }
    }

    /** The same event with a field added, schema version unchanged: what the check is for. */
    static final class Changed
    {
        record Noted(String text, String author)
        {
        }
    }

    static final class NoteModule extends RecordModule<Note>
    {
        NoteModule(final int variant)
        {
            super("note", Note.class, new Note(""));
            if (variant == 0)
            {
                command(Write.class, (c, ctx) -> Decision.accept(new Before.Noted(c.text())));
                event(Before.Noted.class, (s, e) -> new Note(e.text()));
            }
            else if (variant == 1)
            {
                command(Write.class, (c, ctx) -> Decision.accept(new Changed.Noted(c.text(), "me")));
                event(Changed.Noted.class, (s, e) -> new Note(e.text()));
            }
            else
            {
                command(Write.class, (c, ctx) -> Decision.accept(new Changed.Noted(c.text(), "me")));
                event(EventVersions.of(Before.Noted.class)
                    .then(Changed.Noted.class, old -> new Changed.Noted(old.text(), "unknown")), (s, e) -> new Note(e.text()));
            }
        }
    }

    private static SchemaCatalog catalog(final AggregateModule<?>... modules)
    {
        return SchemaCatalog.of(List.of(modules));
    }

    @Test
    void shouldRefuseAnEventSchemaChangedWithoutANewVersion()
    {
        final List<SchemaLock.Entry> locked = SchemaLock.parse(SchemaLock.merge(catalog(new NoteModule(0)), List.of()));
        assertThat(locked).extracting(SchemaLock.Entry::eventType, SchemaLock.Entry::schemaVersion)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("Noted", 1));
        assertThat(SchemaLock.check(catalog(new NoteModule(0)), locked).compatible()).isTrue();

        final SchemaLock.Result changed = SchemaLock.check(catalog(new NoteModule(1)), locked);
        assertThat(changed.compatible()).isFalse();
        assertThat(changed.summary()).startsWith("event schema note/Noted v1 changed without a new schema version and " +
            "upcaster").doesNotContain("\n");
        assertThatThrownBy(() -> SchemaLock.merge(catalog(new NoteModule(1)), locked))
            .hasMessageContaining("note/Noted v1 changed");

        final SchemaLock.Result versioned = SchemaLock.check(catalog(new NoteModule(2)), locked);
        assertThat(versioned.compatible()).as(versioned.summary()).isTrue();
        assertThat(versioned.unlocked()).containsExactly("note/Noted v2");
        final List<SchemaLock.Entry> relocked = SchemaLock.parse(SchemaLock.merge(catalog(new NoteModule(2)), locked));
        assertThat(relocked).extracting(SchemaLock.Entry::schemaVersion).containsExactly(1, 2);
        assertThat(SchemaLock.check(catalog(new NoteModule(2)), relocked).summary())
            .isEqualTo("2 locked event schemas compatible");
        assertThat(SchemaLock.check(catalog(new NoteModule(0)), relocked).summary())
            .as("a lock ahead of the build").contains("note/Noted v2 is in schemas.lock but the module is at v1");
    }

    @Test
    void shouldRefuseALockedEventTypeThatIsGoneAndALineThatIsNotAnEntry()
    {
        final List<SchemaLock.Entry> locked = SchemaLock.parse(SchemaLock.merge(catalog(new NoteModule(0)), List.of()));
        assertThat(SchemaLock.check(catalog(new LedgerModule()), locked).summary())
            .contains("note/Noted is in schemas.lock but no module registers it");
        assertThatThrownBy(() -> SchemaLock.parse("# a comment\naccount Deposited one abc\n"))
            .hasMessageStartingWith("line 2 is not");
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldDescribeTheLedgersDataAsJsonSchema()
    {
        final Map<String, Object> tree = catalog(new LedgerModule()).toTree();
        final Map<String, Object> account = (Map<String, Object>)((List<Object>)tree.get("aggregateTypes")).get(0);
        assertThat(account.get("name")).isEqualTo("account");
        final Map<String, Object> open = (Map<String, Object>)((List<Object>)account.get("commands")).stream()
            .map(c -> (Map<String, Object>)c).filter(c -> c.get("type").equals("OpenAccount")).findFirst().orElseThrow();
        final Map<String, Object> schema = (Map<String, Object>)open.get("schema");
        assertThat(schema.get("$schema")).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(schema.get("additionalProperties")).isEqualTo(false);
        assertThat(schema.get("required")).as("owner is optional, currency and overdraftLimit have defaults")
            .isEqualTo(List.of());
        assertThat(SchemaCatalog.canonicalJson(tree)).as("the same text on every call")
            .isEqualTo(SchemaCatalog.canonicalJson(catalog(new LedgerModule()).toTree()));
    }
}
