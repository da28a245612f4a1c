package dev.strand.engine.core;

import dev.strand.engine.api.Command;
import dev.strand.engine.api.RecordedEvent;
import dev.strand.engine.api.ResultCodes;
import dev.strand.engine.ledger.LedgerCommands;
import dev.strand.engine.ledger.LedgerEvents;
import dev.strand.engine.ledger.LedgerModule;
import dev.strand.engine.ledger.Account;
import dev.strand.engine.spi.Decision;
import dev.strand.engine.spi.RecordModule;
import dev.strand.engine.testdomain.InventoryModule;
import dev.strand.journal.JournalAppender;
import dev.strand.journal.JournalFullException;
import dev.strand.journal.JournalWriteException;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The staging of units of work and the core's outcomes, with no ring and no journal: commits go to an in-memory
 * appender that can be told to fail.
 */
class UnitOfWorkTest
{
    private final ModuleRegistry registry = new ModuleRegistry(List.of(new LedgerModule(), new InventoryModule(),
        new MischiefModule()));
    private final EngineState state = new EngineState(registry, new HashMap<>(), 100);
    private final MemoryJournal journal = new MemoryJournal();
    private final List<String> failures = new ArrayList<>();
    private final EngineCore core = new EngineCore(state, journal::commandIdAt,
        (command, cause) -> failures.add(command.commandId()));
    private long clock = 1_000;

    private Command command(final String id, final String type, final String aggregate, final long expected,
        final Object payload)
    {
        return command(LedgerModule.TYPE, id, type, aggregate, expected, payload);
    }

    private Command command(final String aggregateType, final String id, final String type, final String aggregate,
        final long expected, final Object payload)
    {
        return new Command(id, registry.commandType(aggregateType, type), aggregate, expected, null, payload, clock++,
            31L * (type + aggregate + expected + payload).hashCode() + 1);
    }

    private Command mischief(final String id, final String aggregate, final Record payload)
    {
        return command("mischief", id, payload.getClass().getSimpleName(), aggregate, Command.ANY_VERSION, payload);
    }

    /** A module whose decisions break the aggregate-type rules, each in its own way. */
    static final class MischiefModule extends RecordModule<MischiefModule.Mischief>
    {
        record Mischief(long n)
        {
        }

        record Noted()
        {
        }

        record DepositOn(String target, long amount)
        {
        }

        record ReadAs(String target)
        {
        }

        record ReturnNull()
        {
        }

        record Unregistered()
        {
        }

        record EmitUnregistered()
        {
        }

        record TwoTypesOnOne(String target)
        {
        }

        MischiefModule()
        {
            super("mischief", Mischief.class, new Mischief(0));
            command(DepositOn.class, (c, ctx) -> Decision.accept(new Noted())
                .andOn(c.target(), new LedgerEvents.Deposited(c.amount(), c.amount())));
            command(ReadAs.class, (c, ctx) ->
            {
                ctx.state(Account.class, c.target());
                return Decision.accept(new Noted());
            });
            command(ReturnNull.class, (c, ctx) -> null);
            command(EmitUnregistered.class, (c, ctx) -> Decision.accept(new Unregistered()));
            command(TwoTypesOnOne.class, (c, ctx) -> Decision.acceptOn(c.target(),
                new InventoryModule.ItemRegistered("x", "y", InventoryModule.Unit.PIECE))
                .andOn(c.target(), new LedgerEvents.AccountOpened(null, "EUR", 0, 0)));
            event(Noted.class, (s, e) -> new Mischief(s.n() + 1));
        }
    }

    private Command open(final String id, final String aggregate)
    {
        return command(id, "OpenAccount", aggregate, Command.ANY_VERSION,
            new LedgerCommands.OpenAccount("owner", "EUR", 0L));
    }

    private Command deposit(final String id, final String aggregate, final long amount)
    {
        return command(id, "Deposit", aggregate, Command.ANY_VERSION, new LedgerCommands.Deposit(amount));
    }

    @Test
    void shouldStageAndApplyOnlyAfterTheUnitIsWritten() throws Exception
    {
        final UnitOfWork unit = new UnitOfWork(state, journal::commandIdAt, (c, t) -> { });
        unit.begin();
        final Outcome staged = unit.stage(open("c1", "a"));
        assertThat(staged).isEqualTo(new Outcome.Staged(0, 1));
        assertThat(unit.stage(deposit("c2", "a", 5))).as("sees what the unit staged").isEqualTo(new Outcome.Staged(1, 1));
        assertThat(state.get("a")).as("nothing applied yet").isNull();
        assertThat(state.position()).isZero();

        unit.write(journal);
        assertThat(journal.commits).hasSize(1);
        assertThat(journal.commits.get(0)).extracting(e -> e.position).containsExactly(1L, 2L);
        final List<RecordedEvent> events = unit.apply();
        assertThat(events).extracting(RecordedEvent::eventType).containsExactly("AccountOpened", "Deposited");
        assertThat(state.position()).isEqualTo(2);
        assertThat(state.get("a").version()).isEqualTo(2);
        assertThat(state.window().size()).isEqualTo(2);
    }

    @Test
    void shouldRollBackARejectedCommandAndKeepWhatTheUnitStagedBefore()
    {
        final UnitOfWork unit = new UnitOfWork(state, journal::commandIdAt, (c, t) -> { });
        unit.begin();
        unit.stage(open("c1", "a"));
        final Outcome rejected = unit.stage(command("c2", "Withdraw", "a", Command.ANY_VERSION,
            new LedgerCommands.Withdraw(10)));
        assertThat(rejected).isInstanceOf(Outcome.Rejected.class);
        assertThat(((Outcome.Rejected)rejected).rejection().code()).isEqualTo(LedgerModule.INSUFFICIENT_FUNDS);
        assertThat(unit.pendingEvents()).isEqualTo(1);
        assertThat(unit.stage(command("c3", "Deposit", "a", 1, new LedgerCommands.Deposit(3))))
            .as("expected version sees the staged open").isEqualTo(new Outcome.Staged(1, 1));
    }

    @Test
    void shouldAcceptRejectAndReplayAsValues()
    {
        final Outcome opened = core.execute(open("c1", "a"), journal);
        assertThat(opened).isInstanceOf(Outcome.Accepted.class);
        assertThat(((Outcome.Accepted)opened).position()).isEqualTo(1);

        final Outcome again = core.execute(open("c1", "a"), journal);
        assertThat(again).as("a repeat of an accepted command").isEqualTo(new Outcome.Replayed(1));

        final Outcome reused = core.execute(deposit("c1", "a", 5), journal);
        assertThat(reused).isInstanceOf(Outcome.Rejected.class);
        assertThat(((Outcome.Rejected)reused).rejection().code()).isEqualTo(ResultCodes.IDEMPOTENCY_KEY_REUSED);

        final Outcome conflict = core.execute(command("c2", "OpenAccount", "a", Command.NO_AGGREGATE,
            new LedgerCommands.OpenAccount("o", "EUR", 0L)), journal);
        assertThat(((Outcome.Rejected)conflict).rejection().code()).isEqualTo(ResultCodes.WRONG_EXPECTED_VERSION);
        assertThat(journal.commits).as("only the accepted command was journaled").hasSize(1);
    }

    @Test
    void shouldTreatAHashCollisionAsANewCommand()
    {
        core.execute(open("c1", "a"), journal);
        journal.commandIds.put(1L, "someone-else");
        assertThat(core.execute(deposit("c1", "a", 5), journal)).as("the journal does not confirm the id")
            .isInstanceOf(Outcome.Accepted.class);
    }

    @Test
    void shouldCommitAnAtomicBatchAsOneCommitOrNothing()
    {
        core.execute(open("c0", "a"), journal);
        final EngineCore.BatchOutcome ok = core.executeAtomic(List.of(deposit("c1", "a", 1), deposit("c1", "a", 1),
            deposit("c2", "a", 2)), journal);
        assertThat(ok.failedIndex()).isEqualTo(-1);
        assertThat(ok.outcomes()[0]).isInstanceOf(Outcome.Accepted.class);
        assertThat(ok.outcomes()[1]).as("a repeat inside the batch").isEqualTo(new Outcome.Replayed(2));
        assertThat(((Outcome.Accepted)ok.outcomes()[2]).events()).extracting(RecordedEvent::position)
            .containsExactly(3L);
        assertThat(journal.commits).hasSize(2);

        final EngineCore.BatchOutcome failed = core.executeAtomic(List.of(deposit("c3", "a", 1),
            command("c4", "Withdraw", "a", Command.ANY_VERSION, new LedgerCommands.Withdraw(1_000))), journal);
        assertThat(failed.failedIndex()).isEqualTo(1);
        assertThat(((Outcome.Rejected)failed.outcomes()[0]).rejection().code()).isEqualTo(ResultCodes.ABORTED);
        assertThat(((Outcome.Rejected)failed.outcomes()[1]).rejection().code()).isEqualTo(LedgerModule.INSUFFICIENT_FUNDS);
        assertThat(journal.commits).as("nothing of the failed batch").hasSize(2);
        assertThat(state.position()).isEqualTo(3);
    }

    @Test
    void shouldApplyNothingWhenTheJournalRefuses()
    {
        core.execute(open("c1", "a"), journal);
        final long hash = state.hash();
        journal.failWith = new JournalFullException(1, 2);
        assertThatThrownBy(() -> core.execute(deposit("c2", "a", 5), journal)).isInstanceOf(JournalFullException.class);
        journal.failWith = new JournalWriteException("disk gone");
        assertThatThrownBy(() -> core.executeAtomic(List.of(deposit("c3", "a", 5)), journal))
            .isInstanceOf(JournalWriteException.class);
        assertThat(state.hash()).as("state untouched").isEqualTo(hash);
        assertThat(journal.aborts).isEqualTo(2);

        journal.failWith = null;
        final Outcome after = core.execute(deposit("c2", "a", 5), journal);
        assertThat(((Outcome.Accepted)after).position()).as("the next unit starts clean").isEqualTo(2);
    }

    @Test
    void shouldRefuseAnEventOnAnAggregateOfAnotherTypeAndKeepNothingOfTheUnit()
    {
        core.execute(command(InventoryModule.TYPE, "c1", "RegisterItem", "sku", Command.ANY_VERSION,
            new InventoryModule.RegisterItem("bolt", null, java.util.Optional.empty())), journal);
        final long hash = state.hash();
        final Outcome onItem = core.execute(mischief("c2", "m", new MischiefModule.DepositOn("sku", 5)), journal);
        assertThat(((Outcome.Rejected)onItem).rejection().code()).isEqualTo(ResultCodes.AGGREGATE_TYPE_MISMATCH);
        assertThat(((Outcome.Rejected)onItem).rejection().detail())
            .isEqualTo("aggregate sku exists as a item; event Deposited is of account");
        final Outcome readAs = core.execute(mischief("c3", "m", new MischiefModule.ReadAs("sku")), journal);
        assertThat(((Outcome.Rejected)readAs).rejection().code()).isEqualTo(ResultCodes.AGGREGATE_TYPE_MISMATCH);
        final Outcome twoTypes = core.execute(mischief("c4", "m", new MischiefModule.TwoTypesOnOne("fresh")), journal);
        assertThat(((Outcome.Rejected)twoTypes).rejection().code()).as("two types on one new aggregate")
            .isEqualTo(ResultCodes.AGGREGATE_TYPE_MISMATCH);
        assertThat(journal.commits).as("only the item was journaled").hasSize(1);
        assertThat(state.hash()).isEqualTo(hash);
        assertThat(state.get("m")).isNull();
        assertThat(state.get("fresh")).isNull();
    }

    @Test
    void shouldLetADecisionCreateAnAggregateOfAnotherType()
    {
        final Outcome created = core.execute(mischief("c1", "m", new MischiefModule.DepositOn("new-acc", 5)), journal);
        assertThat(created).isInstanceOf(Outcome.Accepted.class);
        assertThat(state.get("new-acc").module()).isInstanceOf(LedgerModule.class);
        assertThat(((Account)state.get("new-acc").state()).balance()).isEqualTo(5);
        assertThat(state.get("m").module()).isInstanceOf(MischiefModule.class);
        assertThat(journal.commits).hasSize(1);
        assertThat(journal.commits.get(0)).extracting(e -> e.aggregateId).containsExactly("m", "new-acc");
    }

    @Test
    void shouldRejectADecisionThatIsNullOrEmitsAnUnregisteredEventAsAHandlerFailure()
    {
        final Outcome nothing = core.execute(mischief("c1", "m", new MischiefModule.ReturnNull()), journal);
        assertThat(((Outcome.Rejected)nothing).rejection().code()).isEqualTo(ResultCodes.COMMAND_HANDLER_FAILED);
        final Outcome stranger = core.execute(mischief("c2", "m", new MischiefModule.EmitUnregistered()), journal);
        assertThat(((Outcome.Rejected)stranger).rejection().code()).isEqualTo(ResultCodes.COMMAND_HANDLER_FAILED);
        assertThat(failures).containsExactly("c1", "c2");
        assertThat(journal.commits).isEmpty();
    }

    @Test
    void shouldRollBackEveryAggregateOfAFailedAtomicBatchAcrossTypes()
    {
        core.execute(open("c0", "a"), journal);
        final EngineCore.BatchOutcome failed = core.executeAtomic(List.of(
            mischief("c1", "m", new MischiefModule.DepositOn("a", 5)),
            command(InventoryModule.TYPE, "c2", "Restock", "no-such-item", Command.ANY_VERSION,
                new InventoryModule.Restock(1))), journal);
        assertThat(failed.failedIndex()).isEqualTo(1);
        assertThat(journal.commits).hasSize(1);
        assertThat(((Account)state.get("a").state()).balance()).isZero();
        assertThat(state.get("m")).isNull();
    }

    /** An in-memory journal: commits as lists of events, and a failure to throw at commit. */
    static final class MemoryJournal implements JournalAppender
    {
        record Event(long position, String aggregateId, String commandId, long fingerprint)
        {
        }

        final List<List<Event>> commits = new ArrayList<>();
        final Map<Long, String> commandIds = new HashMap<>();
        RuntimeException failWith;
        int aborts;
        private List<Event> open;

        String commandIdAt(final long position)
        {
            return commandIds.get(position);
        }

        @Override
        public void begin()
        {
            open = new ArrayList<>();
        }

        @Override
        public void add(final long position, final String aggregateType, final String aggregateId, final long version,
            final String eventType, final int schemaVersion, final long timestampMicros, final String commandId,
            final String correlationId, final String causationId, final long commandFingerprint,
            final String traceparent, final DirectBuffer payload, final int offset, final int length)
        {
            open.add(new Event(position, aggregateId, commandId, commandFingerprint));
        }

        @Override
        public void commit()
        {
            if (failWith != null)
            {
                throw failWith;
            }
            commits.add(open);
            open.forEach(e -> commandIds.put(e.position(), e.commandId()));
            open = null;
        }

        @Override
        public void abort()
        {
            aborts++;
            open = null;
        }

        @Override
        public void flush()
        {
        }
    }
}
