package dev.strand.fault;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property: whatever envelope and ledger data arrive, the answer is one docs/api.md documents (200, or 400/404/409/422
 * with a problem+json body and a documented code), never a 5xx or a stack trace; a refusal journals nothing, an
 * acceptance journals exactly its events at the next positions; and at the end the journal is a consistent ledger
 * whose replay the read side serves. Bodies are generated as JSON text, so numbers beyond a long, wrong types,
 * duplicate keys and missing or extra fields all occur. Each type's data holds the fields that type takes, and now
 * and then one it does not (another type's, or one nobody takes), which must be UNKNOWN_FIELD naming it.
 */
class EnvelopeFuzzIT
{
    private static final Set<Integer> DOCUMENTED = Set.of(200, 400, 404, 409, 422);
    private static final Set<String> CODES = Set.of("MALFORMED_REQUEST", "UNKNOWN_FIELD", "UNKNOWN_COMMAND_TYPE", "INVALID_FIELD",
        "AGGREGATE_NOT_FOUND", "WRONG_EXPECTED_VERSION", "AGGREGATE_EXISTS", "AGGREGATE_TYPE_MISMATCH", "INSUFFICIENT_FUNDS",
        "SAME_ACCOUNT", "CURRENCY_MISMATCH", "ACCOUNT_CLOSED", "BALANCE_NOT_ZERO",
        // a deposit or transfer that would overflow a balance: a business refusal docs/api.md's ledger table lists
        "BALANCE_OVERFLOW");
    private static final List<String> ACCOUNTS = List.of("f-0", "f-1", "f-2", "f-3", "f-4");
    private static final AtomicInteger TRIED = new AtomicInteger();
    private static final AtomicInteger ACCEPTED = new AtomicInteger();
    private static final AtomicInteger REPLAYED = new AtomicInteger();
    private static final TreeMap<Integer, Integer> STATUSES = new TreeMap<>();
    private static final TreeMap<String, Integer> REFUSALS = new TreeMap<>();

    private static Path work;
    private static StrandProcess server;
    private static long position;

    @BeforeContainer
    static void start()
    {
        work = Work.fresh("envelope-fuzz");
        server = StrandProcess.builder(work.resolve("data")).log(work.resolve("server.log")).start();
        final Http http = server.http();
        for (final String account : ACCOUNTS)
        {
            assertThat(http.command(Http.open(account)).statusCode()).isEqualTo(200);
            assertThat(http.command(Http.deposit(account, 1_000)).statusCode()).isEqualTo(200);
        }
        position = http.journalPosition();
    }

    @AfterContainer
    static void stop()
    {
        try
        {
            if (server != null && server.isAlive())
            {
                final Http http = server.http();
                final LedgerAudit audit = new LedgerAudit().full(http);
                final List<String> accounts = new ArrayList<>();
                audit.balances().keySet().forEach(accounts::add);
                audit.checkReadSide(http, accounts);
                assertThat(http.get("/health/ready").statusCode()).isEqualTo(200);
                assertThat(server.log()).doesNotContain(" failed with 500");
                // strict data must not have turned the fuzz into refusals only
                assertThat(ACCEPTED.get()).as("accepted envelopes of %d", TRIED.get()).isGreaterThan(TRIED.get() / 20);
                Work.figures("envelope fuzz", TRIED.get() + " generated envelopes, statuses " + STATUSES + ", refusals " +
                    REFUSALS + ", " +
                    ACCEPTED.get() + " accepted and journaled exactly, " + REPLAYED.get() + " idempotent replays journaled " +
                    "nothing, every refusal journaled nothing; the ledger of " +
                    audit.size() + " events replays to what the read side serves (" + accounts.size() + " accounts)");
            }
        }
        finally
        {
            if (server != null)
            {
                server.close();
            }
        }
    }

    @Property(tries = 600, edgeCases = net.jqwik.api.EdgeCasesMode.NONE)
    void shouldAnswerAnyEnvelopeAsDocumentedAndJournalOnlyWhatItAccepts(@ForAll("bodies") final String body)
    {
        check(body);
    }

    @Property(tries = 20_000, edgeCases = net.jqwik.api.EdgeCasesMode.NONE)
    @Tag("slow")
    void shouldAnswerTwentyThousandEnvelopesAsDocumented(@ForAll("bodies") final String body)
    {
        check(body);
    }

    private static void check(final String body)
    {
        TRIED.incrementAndGet();
        final Http http = server.http();
        final Http.Response r = http.post("/commands", "application/json", body);
        synchronized (STATUSES)
        {
            STATUSES.merge(r.statusCode(), 1, Integer::sum);
        }
        assertThat(r.statusCode()).as("%s -> %s", body, r).isIn(DOCUMENTED);
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
        final long after = http.journalPosition();
        if (r.statusCode() == 200 && "true".equals(r.replayed()))
        {
            // a commandId seen before: the original result, nothing journaled
            assertThat(after).as("journal after replaying %s", body).isEqualTo(position);
            assertThat(r.json().getLong("position")).isLessThanOrEqualTo(position);
            REPLAYED.incrementAndGet();
        }
        else if (r.statusCode() == 200)
        {
            final JsonObject result = r.json();
            final JsonArray events = result.getJsonArray("events");
            assertThat(events).as("events of %s", body).isNotEmpty();
            for (int i = 0; i < events.size(); i++)
            {
                assertThat(events.getJsonObject(i).getLong("position")).isEqualTo(position + 1 + i);
            }
            assertThat(result.getLong("position")).isEqualTo(position + events.size());
            assertThat(after).as("journal after accepting %s", body).isEqualTo(position + events.size());
            position = after;
            ACCEPTED.incrementAndGet();
        }
        else
        {
            assertThat(r.isProblem()).as("%s -> %s", body, r).isTrue();
            assertThat(r.code()).as("%s -> %s", body, r).isIn(CODES);
            if ("UNKNOWN_FIELD".equals(r.code()))
            {
                assertThat(r.json().getString("field")).as("%s -> %s", body, r).isNotBlank();
            }
            assertThat(after).as("journal after refusing %s -> %s", body, r).isEqualTo(position);
            synchronized (REFUSALS)
            {
                REFUSALS.merge(r.code() + (r.json().getString("field") != null ? "(" + r.json().getString("field") + ")" : ""), 1, Integer::sum);
            }
        }
    }

    // Generators: JSON text built by hand.

    private static Arbitrary<String> jsonString(final Arbitrary<String> values)
    {
        return values.map(v -> new JsonArray().add(v).encode().substring(1).replaceAll("]$", ""));
    }

    private static Arbitrary<String> ids()
    {
        return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(12, Arbitraries.of(ACCOUNTS)),
            net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0, 40).map(i -> "f-new-" + i)),
            net.jqwik.api.Tuple.of(1, Arbitraries.of("", "x".repeat(129), "bad id", "../x", "ß", "a:b.c-d_e", "\u0000", "f-0 ")),
            net.jqwik.api.Tuple.of(1, Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(12)));
    }

    private static Arbitrary<String> numbers()
    {
        return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(12, Arbitraries.longs().between(1, 2_000).map(String::valueOf)),
            net.jqwik.api.Tuple.of(1, Arbitraries.longs().map(String::valueOf)),
            net.jqwik.api.Tuple.of(1, Arbitraries.of("0", "-1", "9223372036854775807", "9223372036854775808",
                "-9223372036854775809", "1.5", "1e3", "1E400", "-0", "0.0", "2.0", "1e-5", "123456789012345678901234567890")));
    }

    private static Arbitrary<String> anyValue()
    {
        return Arbitraries.oneOf(numbers(), jsonString(ids()),
            Arbitraries.of("true", "false", "null", "{}", "[]", "[1,2]", "{\"amount\":1}", "\"\""));
    }

    private static Arbitrary<String> field(final String name, final Arbitrary<String> value)
    {
        // present with a fitting value, present with any value, or absent
        return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(16, value.map(v -> "\"" + name + "\":" + v)),
            net.jqwik.api.Tuple.of(1, anyValue().map(v -> "\"" + name + "\":" + v)),
            net.jqwik.api.Tuple.of(1, Arbitraries.just("")));
    }

    /** The data of a command of {@code type}: the fields it takes, sometimes one it does not, or not an object. */
    private static Arbitrary<String> data(final String type)
    {
        final List<Arbitrary<String>> taken = switch (type)
        {
            case "Deposit", "Withdraw" -> List.of(field("amount", numbers()));
            case "Transfer" -> List.of(field("to", jsonString(ids())), field("amount", numbers()));
            case "OpenAccount" -> List.of(
                field("owner", jsonString(Arbitraries.strings().ofMaxLength(40))),
                field("currency", jsonString(Arbitraries.of("EUR", "USD", "eur", "EURO", ""))),
                field("overdraftLimit", numbers()));
            case "CloseAccount" -> List.of();
            default -> List.of(field("amount", numbers()));
        };
        final Arbitrary<String> foreign = Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(8, Arbitraries.just("")),
            net.jqwik.api.Tuple.of(1, Arbitraries.of("amount", "to", "owner", "currency", "overdraftLimit", "surprise")
                .filter(name -> !takes(type, name))
                .flatMap(name -> field(name, anyValue()))));
        final List<Arbitrary<String>> all = new ArrayList<>(taken);
        all.add(foreign);
        final Arbitrary<String> fields = Combinators.combine(all).as(EnvelopeFuzzIT::object);
        return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(8, fields),
            net.jqwik.api.Tuple.of(2, anyValue()));
    }

    private static boolean takes(final String type, final String field)
    {
        return switch (type)
        {
            case "Deposit", "Withdraw" -> field.equals("amount");
            case "Transfer" -> field.equals("to") || field.equals("amount");
            case "OpenAccount" -> field.equals("owner") || field.equals("currency") || field.equals("overdraftLimit");
            case "CloseAccount" -> false;
            default -> field.equals("amount");
        };
    }

    private static String object(final List<String> fields)
    {
        final List<String> present = new ArrayList<>();
        for (final String f : fields)
        {
            if (!f.isEmpty())
            {
                present.add(f);
            }
        }
        return "{" + String.join(",", present) + "}";
    }

    @Provide
    Arbitrary<String> bodies()
    {
        final Arbitrary<String> types = Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(10, Arbitraries.of("Deposit", "Withdraw", "Transfer")),
            net.jqwik.api.Tuple.of(2, Arbitraries.of("OpenAccount", "CloseAccount")),
            net.jqwik.api.Tuple.of(1, Arbitraries.of("Rob", "deposit", "")));
        final Arbitrary<String> envelope = types.flatMap(type -> Combinators.combine(
            field("commandId", jsonString(Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(12, Arbitraries.strings().alpha().numeric().ofMinLength(6).ofMaxLength(40)),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(1)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("", "c".repeat(129)))))),
            field("type", jsonString(Arbitraries.just(type))),
            field("aggregateId", jsonString(ids())),
            Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, Arbitraries.just("")),
                net.jqwik.api.Tuple.of(1, field("expectedVersion", Arbitraries.oneOf(Arbitraries.of("-1", "0", "1", "2", "-2", "1.0"), numbers())))),
            field("correlationId", jsonString(Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(12, Arbitraries.strings().ofMinLength(1).ofMaxLength(20)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("", "r".repeat(129)))))),
            field("data", data(type)),
            Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(12, Arbitraries.just("")),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("\"type\":\"Deposit\"", "\"aggregateId\":\"f-1\"", "\"extra\":[1,{}]",
                    "\"expectedVerison\":1"))))
            .as((a, b, c, d, e, f, dup) -> object(List.of(a, b, c, d, e, f, dup))));
        return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(18, envelope),
            net.jqwik.api.Tuple.of(1, Arbitraries.strings().withChars("{}[]\":,0123456789-.eEtrufalsn ").ofMaxLength(60)),
            net.jqwik.api.Tuple.of(1, anyValue()));
    }
}
