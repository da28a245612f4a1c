package dev.strand.engine.ledger;

import dev.strand.engine.api.AggregateView;
import dev.strand.engine.api.BatchResult;
import dev.strand.engine.api.Command;
import dev.strand.engine.api.CommandResult;
import dev.strand.engine.api.Engine;
import dev.strand.engine.api.InvalidCommandException;
import dev.strand.engine.api.RecordedEvent;
import dev.strand.engine.api.RejectionKind;
import dev.strand.engine.api.ResultCodes;
import dev.strand.engine.spi.MapFieldReader;
import dev.strand.engine.spi.MapFieldWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.strand.engine.EngineFixture.command;
import static dev.strand.engine.EngineFixture.data;
import static dev.strand.engine.EngineFixture.run;
import static dev.strand.engine.EngineFixture.runBatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LedgerEngineTest
{
    @TempDir
    Path dir;

    private Engine engine;

    @BeforeEach
    void start()
    {
        engine = dev.strand.engine.EngineFixture.start(dir);
    }

    @AfterEach
    void stop()
    {
        engine.close();
    }

    private Map<String, Object> state(final String id) throws Exception
    {
        engine.awaitReadModel(engine.journalPosition(), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
        final AggregateView view = engine.aggregate(id).orElseThrow();
        final MapFieldWriter out = new MapFieldWriter();
        view.writeState(out);
        return out.fields();
    }

    private static Map<String, Object> dataOf(final RecordedEvent event)
    {
        final MapFieldWriter out = new MapFieldWriter();
        event.writeData(out);
        return out.fields();
    }

    @Test
    void shouldOpenDepositWithdrawAndReportBalances() throws Exception
    {
        final CommandResult opened = run(engine, "OpenAccount", "acc-1", "owner", "Ada", "currency", "EUR");
        assertThat(opened.accepted()).isTrue();
        assertThat(opened.position()).isEqualTo(1);
        assertThat(opened.events()).singleElement().satisfies(e ->
        {
            assertThat(e.eventType()).isEqualTo("AccountOpened");
            assertThat(e.aggregateType()).isEqualTo("account");
            assertThat(e.version()).isEqualTo(1);
            assertThat(e.causationId()).isEqualTo(opened.commandId());
        });

        final CommandResult deposited = run(engine, "Deposit", "acc-1", "amount", 500L);
        assertThat(deposited.position()).isEqualTo(2);
        assertThat(dataOf(deposited.events().get(0))).containsEntry("amount", 500L).containsEntry("balance", 500L);

        final CommandResult withdrawn = run(engine, "Withdraw", "acc-1", "amount", 200L);
        assertThat(withdrawn.events().get(0).eventType()).isEqualTo("Withdrawn");
        assertThat(dataOf(withdrawn.events().get(0))).containsEntry("balance", 300L);
        assertThat(withdrawn.events().get(0).version()).isEqualTo(3);

        assertThat(state("acc-1"))
            .containsEntry("owner", "Ada").containsEntry("currency", "EUR")
            .containsEntry("balance", 300L).containsEntry("overdraftLimit", 0L).containsEntry("status", "open");
    }

    @Test
    void shouldRejectOverdraftBeyondLimitAndAllowWithinIt()
    {
        run(engine, "OpenAccount", "acc-1", "overdraftLimit", 100L);
        final CommandResult within = run(engine, "Withdraw", "acc-1", "amount", 100L);
        assertThat(within.accepted()).isTrue();
        assertThat(dataOf(within.events().get(0))).containsEntry("balance", -100L);

        final CommandResult beyond = run(engine, "Withdraw", "acc-1", "amount", 1L);
        assertThat(beyond.accepted()).isFalse();
        assertThat(beyond.rejection().code()).isEqualTo(LedgerModule.INSUFFICIENT_FUNDS);
        assertThat(beyond.rejection().kind()).isEqualTo(RejectionKind.BUSINESS);
        assertThat(beyond.events()).isEmpty();
        assertThat(engine.journalPosition()).isEqualTo(2);
    }

    @Test
    void shouldTransferAtomicallyBetweenTwoAccounts() throws Exception
    {
        run(engine, "OpenAccount", "a", "currency", "EUR");
        run(engine, "OpenAccount", "b", "currency", "EUR");
        run(engine, "Deposit", "a", "amount", 1_000L);

        final CommandResult transfer = run(engine, "Transfer", "a", "to", "b", "amount", 400L);
        assertThat(transfer.accepted()).isTrue();
        assertThat(transfer.events()).extracting(RecordedEvent::eventType).containsExactly("TransferSent", "TransferReceived");
        assertThat(transfer.events()).extracting(RecordedEvent::position).containsExactly(4L, 5L);
        assertThat(transfer.events()).extracting(RecordedEvent::aggregateId).containsExactly("a", "b");
        assertThat(transfer.position()).isEqualTo(5);
        assertThat(dataOf(transfer.events().get(0))).containsEntry("to", "b").containsEntry("amount", 400L).containsEntry("balance", 600L);
        assertThat(dataOf(transfer.events().get(1))).containsEntry("from", "a").containsEntry("balance", 400L);
        assertThat(state("a")).containsEntry("balance", 600L);
        assertThat(state("b")).containsEntry("balance", 400L);
    }

    @Test
    void shouldRejectEveryLedgerRuleWithItsCode()
    {
        run(engine, "OpenAccount", "eur", "currency", "EUR");
        run(engine, "OpenAccount", "usd", "currency", "USD");
        run(engine, "OpenAccount", "gone");
        run(engine, "CloseAccount", "gone");
        run(engine, "Deposit", "eur", "amount", 10L);
        final long before = engine.journalPosition();

        assertCode(run(engine, "OpenAccount", "eur"), ResultCodes.AGGREGATE_EXISTS, RejectionKind.CONFLICT);
        assertCode(run(engine, "Deposit", "nobody", "amount", 1L), ResultCodes.AGGREGATE_NOT_FOUND, RejectionKind.NOT_FOUND);
        assertCode(run(engine, "Withdraw", "nobody", "amount", 1L), ResultCodes.AGGREGATE_NOT_FOUND, RejectionKind.NOT_FOUND);
        assertCode(run(engine, "Transfer", "nobody", "to", "eur", "amount", 1L), ResultCodes.AGGREGATE_NOT_FOUND, RejectionKind.NOT_FOUND);
        assertCode(run(engine, "Transfer", "eur", "to", "nobody", "amount", 1L), ResultCodes.AGGREGATE_NOT_FOUND, RejectionKind.NOT_FOUND);
        assertCode(run(engine, "Withdraw", "eur", "amount", 11L), LedgerModule.INSUFFICIENT_FUNDS, RejectionKind.BUSINESS);
        assertCode(run(engine, "Transfer", "eur", "to", "eur", "amount", 1L), LedgerModule.SAME_ACCOUNT, RejectionKind.BUSINESS);
        assertCode(run(engine, "Transfer", "eur", "to", "usd", "amount", 1L), LedgerModule.CURRENCY_MISMATCH, RejectionKind.BUSINESS);
        assertCode(run(engine, "Transfer", "eur", "to", "gone", "amount", 1L), LedgerModule.ACCOUNT_CLOSED, RejectionKind.BUSINESS);
        assertCode(run(engine, "Deposit", "gone", "amount", 1L), LedgerModule.ACCOUNT_CLOSED, RejectionKind.BUSINESS);
        assertCode(run(engine, "Withdraw", "gone", "amount", 1L), LedgerModule.ACCOUNT_CLOSED, RejectionKind.BUSINESS);
        assertCode(run(engine, "CloseAccount", "eur"), LedgerModule.BALANCE_NOT_ZERO, RejectionKind.BUSINESS);
        assertCode(run(engine, "Deposit", "eur", "amount", Long.MAX_VALUE), LedgerModule.BALANCE_OVERFLOW, RejectionKind.BUSINESS);

        assertThat(engine.journalPosition()).as("a rejected command journals nothing").isEqualTo(before);
    }

    @Test
    void shouldRejectInvalidFieldsAtIngress()
    {
        assertInvalid("Deposit", "acc", data("amount", 0L), "data.amount");
        assertInvalid("Deposit", "acc", data("amount", -5L), "data.amount");
        assertInvalid("Deposit", "acc", data("amount", "100"), "data.amount");
        assertInvalid("Deposit", "acc", data("amount", 1.5), "data.amount");
        assertInvalid("Deposit", "acc", data("amount", new BigInteger("9223372036854775808")), "data.amount");
        assertInvalid("Deposit", "acc", data("amount", Double.POSITIVE_INFINITY), "data.amount");
        assertInvalid("Deposit", "acc", data("amount", Double.NaN), "data.amount");
        assertInvalid("Deposit", "acc", data(), "data.amount");
        assertInvalid("Transfer", "acc", data("to", "bad id!", "amount", 1L), "data.to");
        assertInvalid("OpenAccount", "acc", data("currency", "euro"), "data.currency");
        assertInvalid("OpenAccount", "acc", data("overdraftLimit", -1L), "data.overdraftLimit");
        assertInvalid("OpenAccount", "bad/id", data(), "aggregateId");
        assertInvalid("OpenAccount", "x".repeat(129), data(), "aggregateId");

        assertThatThrownBy(() -> command(engine, "Teleport", "acc", data()))
            .isInstanceOfSatisfying(InvalidCommandException.class,
                ex -> assertThat(ex.rejection().code()).isEqualTo(ResultCodes.UNKNOWN_COMMAND_TYPE));
        assertThatThrownBy(() -> engine.newCommand("", "Deposit", "acc", Command.ANY_VERSION, null, new MapFieldReader(data("amount", 1L))))
            .isInstanceOfSatisfying(InvalidCommandException.class,
                ex -> assertThat(ex.rejection().field()).isEqualTo("commandId"));
        assertThatThrownBy(() -> engine.newCommand(null, "Deposit", "acc", -2, null, new MapFieldReader(data("amount", 1L))))
            .isInstanceOfSatisfying(InvalidCommandException.class,
                ex -> assertThat(ex.rejection().field()).isEqualTo("expectedVersion"));
    }

    private void assertInvalid(final String type, final String id, final Map<String, Object> data, final String field)
    {
        assertThatThrownBy(() -> command(engine, type, id, data))
            .isInstanceOfSatisfying(InvalidCommandException.class, ex ->
            {
                assertThat(ex.rejection().code()).isEqualTo(ResultCodes.INVALID_FIELD);
                assertThat(ex.rejection().field()).isEqualTo(field);
            });
    }

    @Test
    void shouldCheckExpectedVersion()
    {
        assertCode(run(engine, command(engine, null, "Deposit", "acc", 0, data("amount", 1L))),
            ResultCodes.AGGREGATE_NOT_FOUND, RejectionKind.NOT_FOUND);
        assertThat(run(engine, command(engine, null, "OpenAccount", "acc", Command.NO_AGGREGATE, data())).accepted()).isTrue();
        final CommandResult again = run(engine, command(engine, null, "OpenAccount", "acc", Command.NO_AGGREGATE, data()));
        assertCode(again, ResultCodes.WRONG_EXPECTED_VERSION, RejectionKind.CONFLICT);
        assertThat(again.rejection().currentVersion()).isEqualTo(1);

        assertThat(run(engine, command(engine, null, "Deposit", "acc", 1, data("amount", 5L))).accepted()).isTrue();
        final CommandResult stale = run(engine, command(engine, null, "Deposit", "acc", 1, data("amount", 5L)));
        assertCode(stale, ResultCodes.WRONG_EXPECTED_VERSION, RejectionKind.CONFLICT);
        assertThat(stale.rejection().currentVersion()).isEqualTo(2);
    }

    @Test
    void shouldReplayAnAcceptedCommandIdWithTheOriginalResult()
    {
        run(engine, "OpenAccount", "a");
        run(engine, "OpenAccount", "b");
        run(engine, "Deposit", "a", "amount", 100L);
        final Command transfer = command(engine, "cmd-1", "Transfer", "a", Command.ANY_VERSION, data("to", "b", "amount", 30L));
        final CommandResult first = run(engine, transfer);
        final long position = engine.journalPosition();

        final CommandResult repeat = run(engine,
            command(engine, "cmd-1", "Transfer", "a", Command.ANY_VERSION, data("to", "b", "amount", 30L)));
        assertThat(repeat.replayed()).isTrue();
        assertThat(repeat.accepted()).isTrue();
        assertThat(repeat.position()).isEqualTo(first.position());
        assertThat(repeat.events()).extracting(RecordedEvent::position)
            .containsExactlyElementsOf(first.events().stream().map(RecordedEvent::position).toList());
        assertThat(repeat.events()).extracting(RecordedEvent::eventType).containsExactly("TransferSent", "TransferReceived");
        assertThat(engine.journalPosition()).as("a replay journals nothing").isEqualTo(position);
    }

    @Test
    void shouldRefuseACommandIdReusedForADifferentCommandAcrossRestarts()
    {
        run(engine, "OpenAccount", "a");
        run(engine, "OpenAccount", "b");
        final CommandResult first = run(engine,
            command(engine, "same-1", "Deposit", "a", Command.ANY_VERSION, data("amount", 7L)));
        assertThat(first.accepted()).isTrue();
        final long position = engine.journalPosition();

        for (final Command different : List.of(
            command(engine, "same-1", "Deposit", "a", Command.ANY_VERSION, data("amount", 999L)),
            command(engine, "same-1", "Deposit", "b", Command.ANY_VERSION, data("amount", 7L)),
            command(engine, "same-1", "Withdraw", "a", Command.ANY_VERSION, data("amount", 7L)),
            command(engine, "same-1", "Deposit", "a", 2, data("amount", 7L))))
        {
            final CommandResult reused = run(engine, different);
            assertThat(reused.accepted()).as(different.toString()).isFalse();
            assertThat(reused.rejection().code()).isEqualTo(ResultCodes.IDEMPOTENCY_KEY_REUSED);
            assertThat(reused.rejection().kind()).isEqualTo(RejectionKind.BUSINESS);
        }
        assertThat(engine.journalPosition()).as("nothing journaled for a reused id").isEqualTo(position);
        assertThat(run(engine, command(engine, "same-1", "Deposit", "a", Command.ANY_VERSION, data("amount", 7L)))
            .replayed()).as("an identical repeat is still a replay").isTrue();

        engine.close();
        engine = dev.strand.engine.EngineFixture.start(dir);
        assertThat(run(engine, command(engine, "same-1", "Deposit", "a", Command.ANY_VERSION, data("amount", 999L)))
            .rejection().code()).as("after a restart (replayed from the journal)").isEqualTo(ResultCodes.IDEMPOTENCY_KEY_REUSED);
        assertThat(engine.takeSnapshot().join().position()).isEqualTo(position);
        engine.close();
        engine = dev.strand.engine.EngineFixture.start(dir);
        assertThat(run(engine, command(engine, "same-1", "Deposit", "a", Command.ANY_VERSION, data("amount", 999L)))
            .rejection().code()).as("after a restart from a snapshot").isEqualTo(ResultCodes.IDEMPOTENCY_KEY_REUSED);
        final CommandResult repeat = run(engine,
            command(engine, "same-1", "Deposit", "a", Command.ANY_VERSION, data("amount", 7L)));
        assertThat(repeat.replayed()).isTrue();
        assertThat(repeat.position()).isEqualTo(first.position());
    }

    @Test
    void shouldRefuseACommandIdReusedInsideAnAtomicBatch()
    {
        run(engine, "OpenAccount", "a");
        final BatchResult batch = runBatch(engine, List.of(
            command(engine, "x-1", "Deposit", "a", Command.ANY_VERSION, data("amount", 1L)),
            command(engine, "x-1", "Deposit", "a", Command.ANY_VERSION, data("amount", 1L)),
            command(engine, "x-1", "Deposit", "a", Command.ANY_VERSION, data("amount", 2L))), true);
        assertThat(batch.failedIndex()).isEqualTo(2);
        assertThat(batch.results().get(2).rejection().code()).isEqualTo(ResultCodes.IDEMPOTENCY_KEY_REUSED);
        assertThat(batch.results().get(0).rejection().code()).isEqualTo(ResultCodes.ABORTED);
    }

    @Test
    void shouldEvaluateARejectedCommandIdAgain()
    {
        run(engine, "OpenAccount", "a");
        final CommandResult rejected = run(engine, command(engine, "w-1", "Withdraw", "a", Command.ANY_VERSION, data("amount", 10L)));
        assertThat(rejected.rejection().code()).isEqualTo(LedgerModule.INSUFFICIENT_FUNDS);
        run(engine, "Deposit", "a", "amount", 10L);
        final CommandResult retried = run(engine, command(engine, "w-1", "Withdraw", "a", Command.ANY_VERSION, data("amount", 10L)));
        assertThat(retried.accepted()).isTrue();
        assertThat(retried.replayed()).isFalse();
    }

    @Test
    void shouldRollBackAnAtomicBatchWhenOneCommandFails() throws Exception
    {
        run(engine, "OpenAccount", "a");
        final long before = engine.journalPosition();
        final List<Command> batch = List.of(
            command(engine, "OpenAccount", "b", data()),
            command(engine, "Deposit", "a", data("amount", 50L)),
            command(engine, "Withdraw", "a", data("amount", 80L)),
            command(engine, "Deposit", "b", data("amount", 1L)));
        final BatchResult result = runBatch(engine, batch, true);
        assertThat(result.failedIndex()).isEqualTo(2);
        assertThat(result.results().get(2).rejection().code()).isEqualTo(LedgerModule.INSUFFICIENT_FUNDS);
        assertThat(result.results().get(0).rejection().code()).isEqualTo(ResultCodes.ABORTED);
        assertThat(result.results().get(3).rejection().code()).isEqualTo(ResultCodes.ABORTED);
        assertThat(engine.journalPosition()).isEqualTo(before);
        assertThat(engine.aggregate("b")).isEmpty();
        assertThat(state("a")).containsEntry("balance", 0L);

        final CommandResult afterwards = run(engine, "OpenAccount", "b");
        assertThat(afterwards.accepted()).as("the rolled-back open left no trace").isTrue();
    }

    @Test
    void shouldApplyAnAtomicBatchInOrderAsOneCommit() throws Exception
    {
        final List<Command> batch = List.of(
            command(engine, "OpenAccount", "a", data()),
            command(engine, "OpenAccount", "b", data()),
            command(engine, "Deposit", "a", data("amount", 50L)),
            command(engine, "Transfer", "a", data("to", "b", "amount", 20L)));
        final BatchResult result = runBatch(engine, batch, true);
        assertThat(result.failedIndex()).isEqualTo(-1);
        assertThat(result.results()).allMatch(CommandResult::accepted);
        assertThat(result.results().get(3).events()).extracting(RecordedEvent::position).containsExactly(4L, 5L);
        assertThat(state("a")).containsEntry("balance", 30L);
        assertThat(state("b")).containsEntry("balance", 20L);
    }

    @Test
    void shouldRunANonAtomicBatchCommandByCommand() throws Exception
    {
        final List<Command> batch = List.of(
            command(engine, "OpenAccount", "a", data()),
            command(engine, "Withdraw", "a", data("amount", 5L)),
            command(engine, "Deposit", "a", data("amount", 7L)));
        final BatchResult result = runBatch(engine, batch, false);
        assertThat(result.failedIndex()).isEqualTo(-1);
        assertThat(result.results().get(0).accepted()).isTrue();
        assertThat(result.results().get(1).rejection().code()).isEqualTo(LedgerModule.INSUFFICIENT_FUNDS);
        assertThat(result.results().get(2).accepted()).isTrue();
        assertThat(state("a")).containsEntry("balance", 7L);
    }

    @Test
    void shouldServeTemporalQueriesAndEventPages() throws Exception
    {
        run(engine, "OpenAccount", "a");
        run(engine, "OpenAccount", "b");
        run(engine, "Deposit", "a", "amount", 10L);
        run(engine, "Deposit", "b", "amount", 99L);
        run(engine, "Deposit", "a", "amount", 20L);
        engine.awaitReadModel(5, Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);

        final AggregateView v2 = engine.aggregateAt("a", 2, 0).orElseThrow();
        assertThat(v2.version()).isEqualTo(2);
        assertThat(((Account)v2.state()).balance()).isEqualTo(10);
        final AggregateView atPosition4 = engine.aggregateAt("a", 0, 4).orElseThrow();
        assertThat(atPosition4.version()).isEqualTo(2);
        assertThat(engine.aggregateAt("a", 4, 0)).as("beyond the current version").isEmpty();
        assertThat(engine.aggregateAt("b", 0, 1)).as("did not exist yet").isEmpty();

        final var page = engine.aggregateEvents("a", 2, 10);
        assertThat(page.events()).extracting(RecordedEvent::version).containsExactly(2L, 3L);
        assertThat(page.next()).isEqualTo(4);

        final var global = engine.readEvents(2, 2, null, 1000);
        assertThat(global.events()).extracting(RecordedEvent::position).containsExactly(2L, 3L);
        assertThat(global.next()).isEqualTo(4);
        final var filtered = engine.readEvents(1, 100, new dev.strand.engine.api.EventFilter("b", null, "Deposited"), 1000);
        assertThat(filtered.events()).extracting(RecordedEvent::position).containsExactly(4L);
        assertThat(filtered.next()).isEqualTo(6);
    }

    @Test
    void shouldRefuseACommandOnAnAggregateOfAnotherType()
    {
        run(engine, "RegisterItem", "shared-id", "name", "widget");
        final CommandResult result = run(engine, "Deposit", "shared-id", "amount", 5L);
        assertCode(result, ResultCodes.AGGREGATE_TYPE_MISMATCH, RejectionKind.CONFLICT);
        final CommandResult open = run(engine, "OpenAccount", "shared-id");
        assertCode(open, ResultCodes.AGGREGATE_TYPE_MISMATCH, RejectionKind.CONFLICT);
    }

    private static void assertCode(final CommandResult result, final String code, final RejectionKind kind)
    {
        assertThat(result.accepted()).as("expected rejection %s", code).isFalse();
        assertThat(result.rejection().code()).isEqualTo(code);
        assertThat(result.rejection().kind()).isEqualTo(kind);
        assertThat(result.events()).isEmpty();
    }
}
