package dev.strand.fault;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.api.Pair.of;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

/**
 * Property: whatever envelope and ledger data arrive, the answer is one docs/api.md documents (200, or 400/404/409/422
 * with a problem+json body and a documented code), never a 5xx or a stack trace; a refusal journals nothing, an
 * acceptance journals exactly its events at the next positions; and at the end the journal is a consistent ledger
 * whose replay the read side serves. Bodies are generated as JSON text, so numbers beyond a long, wrong types,
 * duplicate keys and missing or extra fields all occur. Each type's data holds the fields that type takes, and now
 * and then one it does not (another type's, or one nobody takes), which must be UNKNOWN_FIELD naming it. Generated
 * by QuickTheories: a failure prints its seed ({@code -DQT_SEED=...} replays it) and the smallest failing body it
 * shrank to.
 */
class EnvelopeFuzzIT
{
    private static final Set<Integer> DOCUMENTED = Set.of(200, 400, 404, 409, 422);
    private static final Set<String> CODES = Set.of("MALFORMED_REQUEST", "UNKNOWN_FIELD", "UNKNOWN_COMMAND_TYPE", "INVALID_FIELD",
        "AGGREGATE_NOT_FOUND", "WRONG_EXPECTED_VERSION", "AGGREGATE_EXISTS", "AGGREGATE_TYPE_MISMATCH", "INSUFFICIENT_FUNDS",
        "SAME_ACCOUNT", "CURRENCY_MISMATCH", "ACCOUNT_CLOSED", "BALANCE_NOT_ZERO",
        // a deposit or transfer that would overflow a balance: a business refusal docs/api.md's ledger table lists
        "BALANCE_OVERFLOW",
        // a commandId seen before with a different command: generated ids repeat (some are one letter long)
        "IDEMPOTENCY_KEY_REUSED");
    private static final List<String> ACCOUNTS = List.of("f-0", "f-1", "f-2", "f-3", "f-4");
    private static final String ALPHA = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final String ALPHANUMERIC = ALPHA + "0123456789";
    private static final AtomicInteger TRIED = new AtomicInteger();
    private static final AtomicInteger ACCEPTED = new AtomicInteger();
    private static final AtomicInteger REPLAYED = new AtomicInteger();
    private static final TreeMap<Integer, Integer> STATUSES = new TreeMap<>();
    private static final TreeMap<String, Integer> REFUSALS = new TreeMap<>();

    private static Path work;
    private static StrandProcess server;
    private static long position;

    @BeforeAll
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

    @AfterAll
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

    @Test
    void shouldAnswerAnyEnvelopeAsDocumentedAndJournalOnlyWhatItAccepts()
    {
        checkAtLeast(600);
    }

    @Test
    @Tag("slow")
    @Timeout(1800)
    void shouldAnswerTwentyThousandEnvelopesAsDocumented()
    {
        checkAtLeast(20_000);
    }

    /** QuickTheories skips a draw it has tried before, so it is asked for 5% more than the envelopes to check. */
    private static void checkAtLeast(final int envelopes)
    {
        final int before = TRIED.get();
        qt().withExamples(envelopes + envelopes / 20).forAll(bodies()).checkAssert(EnvelopeFuzzIT::check);
        assertThat(TRIED.get() - before).as("envelopes checked").isGreaterThanOrEqualTo(envelopes);
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

    private static Gen<String> jsonString(final Gen<String> values)
    {
        return values.map(v -> new JsonArray().add(v).encode().substring(1).replaceAll("]$", ""));
    }

    /** Strings of {@code min..max} characters drawn from {@code alphabet}. */
    private static Gen<String> chars(final String alphabet, final int min, final int max)
    {
        return lists().of(integers().between(0, alphabet.length() - 1)).ofSizeBetween(min, max).map(picks ->
        {
            final StringBuilder text = new StringBuilder(picks.size());
            picks.forEach(i -> text.append(alphabet.charAt(i)));
            return text.toString();
        });
    }

    /** One value from each generator, in order. */
    private static Gen<List<String>> each(final List<Gen<String>> gens)
    {
        return random ->
        {
            final List<String> values = new ArrayList<>(gens.size());
            gens.forEach(g -> values.add(g.generate(random)));
            return values;
        };
    }

    private static Gen<String> ids()
    {
        return weighted(
            of(12, arbitrary().pick(ACCOUNTS)),
            of(3, integers().between(0, 40).map(i -> "f-new-" + i)),
            of(1, arbitrary().pick("", "x".repeat(129), "bad id", "../x", "ß", "a:b.c-d_e", "\u0000", "f-0 ")),
            of(1, strings().betweenCodePoints('!', '~').ofLengthBetween(1, 12)));
    }

    private static Gen<String> numbers()
    {
        return weighted(
            of(12, longs().between(1, 2_000).map(n -> Long.toString(n))),
            of(1, longs().all().map(n -> Long.toString(n))),
            of(1, arbitrary().pick("0", "-1", "9223372036854775807", "9223372036854775808",
                "-9223372036854775809", "1.5", "1e3", "1E400", "-0", "0.0", "2.0", "1e-5", "123456789012345678901234567890")));
    }

    private static Gen<String> anyValue()
    {
        return anyOf(numbers(), jsonString(ids()),
            arbitrary().pick("true", "false", "null", "{}", "[]", "[1,2]", "{\"amount\":1}", "\"\""));
    }

    private static Gen<String> field(final String name, final Gen<String> value)
    {
        // present with a fitting value, present with any value, or absent
        return weighted(
            of(16, value.map(v -> "\"" + name + "\":" + v)),
            of(1, anyValue().map(v -> "\"" + name + "\":" + v)),
            of(1, arbitrary().constant("")));
    }

    /** The data of a command of {@code type}: the fields it takes, sometimes one it does not, or not an object. */
    private static Gen<String> data(final String type)
    {
        final List<Gen<String>> taken = switch (type)
        {
            case "Deposit", "Withdraw" -> List.of(field("amount", numbers()));
            case "Transfer" -> List.of(field("to", jsonString(ids())), field("amount", numbers()));
            case "OpenAccount" -> List.of(
                field("owner", jsonString(strings().basicMultilingualPlaneAlphabet().ofLengthBetween(0, 40))),
                field("currency", jsonString(arbitrary().pick("EUR", "USD", "eur", "EURO", ""))),
                field("overdraftLimit", numbers()));
            case "CloseAccount" -> List.of();
            default -> List.of(field("amount", numbers()));
        };
        final List<String> others = new ArrayList<>();
        for (final String name : List.of("amount", "to", "owner", "currency", "overdraftLimit", "surprise"))
        {
            if (!takes(type, name))
            {
                others.add(name);
            }
        }
        final Gen<String> foreign = weighted(
            of(8, arbitrary().constant("")),
            of(1, arbitrary().pick(others).flatMap(name -> field(name, anyValue()))));
        final List<Gen<String>> all = new ArrayList<>(taken);
        all.add(foreign);
        return weighted(
            of(8, each(all).map(EnvelopeFuzzIT::object)),
            of(2, anyValue()));
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

    static Gen<String> bodies()
    {
        final Gen<String> types = weighted(
            of(10, arbitrary().pick("Deposit", "Withdraw", "Transfer")),
            of(2, arbitrary().pick("OpenAccount", "CloseAccount")),
            of(1, arbitrary().pick("Rob", "deposit", "")));
        final Gen<String> envelope = types.flatMap(type -> each(List.of(
            field("commandId", jsonString(weighted(
                of(12, chars(ALPHANUMERIC, 6, 40)),
                of(1, chars(ALPHA, 1, 1)),
                of(1, arbitrary().pick("", "c".repeat(129)))))),
            field("type", jsonString(arbitrary().constant(type))),
            field("aggregateId", jsonString(ids())),
            weighted(of(6, arbitrary().constant("")),
                of(1, field("expectedVersion", anyOf(arbitrary().pick("-1", "0", "1", "2", "-2", "1.0"), numbers())))),
            field("correlationId", jsonString(weighted(
                of(12, strings().basicMultilingualPlaneAlphabet().ofLengthBetween(1, 20)),
                of(1, arbitrary().pick("", "r".repeat(129)))))),
            field("data", data(type)),
            weighted(of(12, arbitrary().constant("")),
                of(1, arbitrary().pick("\"type\":\"Deposit\"", "\"aggregateId\":\"f-1\"", "\"extra\":[1,{}]",
                    "\"expectedVerison\":1")))))
            .map(EnvelopeFuzzIT::object));
        return weighted(
            of(18, envelope),
            of(1, chars("{}[]\":,0123456789-.eEtrufalsn ", 0, 60)),
            of(1, anyValue()));
    }

    /** One of the generators, each as likely. */
    @SafeVarargs
    private static <T> Gen<T> anyOf(final Gen<T>... gens)
    {
        final List<Pair<Integer, Gen<T>>> choices = new ArrayList<>();
        for (final Gen<T> gen : gens)
        {
            choices.add(Pair.of(1, gen));
        }
        return Generate.frequency(choices);
    }

    /** One of the generators, chosen with the weights given. */
    @SafeVarargs
    private static <T> Gen<T> weighted(final Pair<Integer, Gen<T>>... choices)
    {
        final List<Pair<Integer, Gen<T>>> list = new ArrayList<>(choices.length);
        for (final Pair<Integer, Gen<T>> choice : choices)
        {
            list.add(choice);
        }
        return Generate.frequency(list);
    }
}
