package dev.strand.fault;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A corpus of hostile requests against a server with API keys configured: malformed JSON of every kind, wrong types,
 * numbers beyond a long, 1 MB strings, 10,000-deep nesting, wrong content types, oversize bodies with and without
 * Content-Length, broken chunking, oversize heads, path tricks on protected routes, auth bypass attempts, WebSocket
 * upgrades without a key or from a foreign Origin. Every one gets the documented 4xx with a problem+json body (never
 * a 5xx, never a stack trace); nothing is journaled or snapshotted; the server stays healthy.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(120)
class HostileInputIT
{
    static final String READER_KEY = "reader-key-5c0f3a";
    static final String WRITER_KEY = "writer-key-7d21b9";
    static final String ADMIN_KEY = "admin-key-90e4c1";
    static final String WRITER = "Authorization: Bearer " + WRITER_KEY;
    static final String READER = "Authorization: Bearer " + READER_KEY;
    static final String JSON = "Content-Type: application/json";
    static final String ORIGIN = "https://app.example";

    /** The server closed the connection without an answer (allowed only for broken body framing). */
    static final int CLOSED = -1;
    private static final AtomicInteger TRIED = new AtomicInteger();
    private static final AtomicInteger CLOSED_UNANSWERED = new AtomicInteger();
    private static Path work;
    private static StrandProcess server;
    private static long journalBefore;
    private static String snapshotsBefore;

    /** One hostile request, the statuses it may get, and the problem codes (empty: any code). */
    record Case(String name, byte[] request, Set<Integer> statuses, Set<String> codes)
    {
        @Override
        public String toString()
        {
            return name;
        }
    }

    @BeforeAll
    static void start()
    {
        work = Work.fresh("hostile-input");
        server = StrandProcess.builder(work.resolve("data")).log(work.resolve("server.log"))
            .flag("api-keys", "reader:" + sha256(READER_KEY) + ",writer:" + sha256(WRITER_KEY) + ",admin:" + sha256(ADMIN_KEY))
            .flag("ws-allowed-origins", ORIGIN)
            .start();
        final Http writer = server.http().with("Authorization", "Bearer " + WRITER_KEY);
        assertThat(writer.command(Http.open("h-1")).statusCode()).isEqualTo(200);
        assertThat(writer.command(Http.deposit("h-1", 100)).statusCode()).isEqualTo(200);
        journalBefore = position();
        snapshotsBefore = adminSnapshots();
    }

    @AfterAll
    static void stop()
    {
        if (server != null)
        {
            server.close();
        }
    }

    static String sha256(final String key)
    {
        try
        {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        }
        catch (final java.security.NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static long position()
    {
        return (long)Metrics.parse(server.http().with("Authorization", "Bearer " + READER_KEY).get("/metrics").body())
            .value("strand_journal_position");
    }

    private static String adminSnapshots()
    {
        return server.http().with("Authorization", "Bearer " + ADMIN_KEY).get("/admin/snapshots").body();
    }

    private static Set<Integer> s(final Integer... statuses)
    {
        return Set.of(statuses);
    }

    private static Set<String> c(final String... codes)
    {
        return Set.of(codes);
    }

    private static byte[] command(final String body, final String... headers)
    {
        return command(body.getBytes(StandardCharsets.UTF_8), headers);
    }

    private static byte[] command(final byte[] body, final String... headers)
    {
        final List<String> all = new ArrayList<>(List.of(JSON, WRITER));
        all.addAll(List.of(headers));
        return RawHttp.request("POST", "/commands", body, all.toArray(new String[0]));
    }

    private static String deposit(final String amount)
    {
        return "{\"type\":\"Deposit\",\"aggregateId\":\"h-1\",\"data\":{\"amount\":" + amount + "}}";
    }

    private static String repeat(final String s, final int n)
    {
        return s.repeat(n);
    }

    static List<Case> corpus()
    {
        final List<Case> cases = new ArrayList<>();
        final Set<Integer> bad = s(400);
        final Set<String> malformed = c("MALFORMED_REQUEST");
        final Set<String> invalid = c("INVALID_FIELD");
        final Set<String> badValue = c("MALFORMED_REQUEST", "INVALID_FIELD");
        final String mb = "x".repeat(1_000_000);

        // malformed JSON
        cases.add(new Case("truncated JSON", command("{\"type\":\"Deposit\",\"aggregateId\":\"h-1\",\"data\":{\"amount\":1"), bad, malformed));
        cases.add(new Case("truncated mid-string", command("{\"type\":\"Depo"), bad, malformed));
        cases.add(new Case("invalid UTF-8 in a string", command(RawHttp.concat(
            RawHttp.bytes("{\"type\":\"Deposit\",\"aggregateId\":\"h"), new byte[] {(byte)0xC3, (byte)0x28},
            RawHttp.bytes("\",\"data\":{\"amount\":1}}"))), bad, badValue));
        cases.add(new Case("overlong UTF-8 in type", command(RawHttp.concat(RawHttp.bytes("{\"type\":\"Dep"),
            new byte[] {(byte)0xC0, (byte)0xAF}, RawHttp.bytes("osit\",\"aggregateId\":\"h-1\",\"data\":{\"amount\":1}}"))),
            bad, c("MALFORMED_REQUEST", "UNKNOWN_COMMAND_TYPE")));
        cases.add(new Case("lone surrogate in aggregateId", command("{\"type\":\"Deposit\",\"aggregateId\":\"h\\ud800\",\"data\":{\"amount\":1}}"), bad, badValue));
        cases.add(new Case("10,000-deep arrays in data", command("{\"type\":\"Deposit\",\"aggregateId\":\"h-1\",\"data\":{\"amount\":" +
            repeat("[", 10_000) + repeat("]", 10_000) + "}}"), bad, badValue));
        cases.add(new Case("10,000-deep objects in data", command("{\"type\":\"Deposit\",\"aggregateId\":\"h-1\",\"data\":" +
            repeat("{\"a\":", 10_000) + "1" + repeat("}", 10_000) + "}"), bad, badValue));
        cases.add(new Case("10,000-deep top level", command(repeat("[", 10_000) + repeat("]", 10_000)), bad, malformed));
        cases.add(new Case("1 MB aggregateId", command("{\"type\":\"Deposit\",\"aggregateId\":\"" + mb + "\",\"data\":{\"amount\":1}}"), bad, invalid));
        cases.add(new Case("1 MB commandId", command("{\"commandId\":\"" + mb + "\",\"type\":\"Deposit\",\"aggregateId\":\"h-1\",\"data\":{\"amount\":1}}"), bad, invalid));
        cases.add(new Case("1 MB correlationId", command("{\"correlationId\":\"" + mb + "\",\"type\":\"Deposit\",\"aggregateId\":\"h-1\",\"data\":{\"amount\":1}}"), bad, invalid));
        cases.add(new Case("1 MB type", command("{\"type\":\"" + mb + "\",\"aggregateId\":\"h-1\",\"data\":{}}"), bad, c("UNKNOWN_COMMAND_TYPE")));
        cases.add(new Case("1 MB owner", command("{\"type\":\"OpenAccount\",\"aggregateId\":\"h-big\",\"data\":{\"owner\":\"" + mb + "\"}}"), bad, invalid));
        cases.add(new Case("1 MB currency", command("{\"type\":\"OpenAccount\",\"aggregateId\":\"h-big\",\"data\":{\"currency\":\"" + mb + "\"}}"), bad, invalid));
        cases.add(new Case("1 MB transfer target", command("{\"type\":\"Transfer\",\"aggregateId\":\"h-1\",\"data\":{\"to\":\"" + mb + "\",\"amount\":1}}"), bad, invalid));
        cases.add(new Case("amount beyond long", command(deposit("9223372036854775808")), bad, invalid));
        cases.add(new Case("amount below long", command(deposit("-9223372036854775809")), bad, invalid));
        cases.add(new Case("amount 1e400", command(deposit("1e400")), bad, invalid));
        cases.add(new Case("amount 1.5", command(deposit("1.5")), bad, invalid));
        cases.add(new Case("amount 100 as a string", command(deposit("\"100\"")), bad, invalid));
        cases.add(new Case("amount true", command(deposit("true")), bad, invalid));
        cases.add(new Case("amount null", command(deposit("null")), bad, invalid));
        cases.add(new Case("amount 0", command(deposit("0")), bad, invalid));
        cases.add(new Case("amount -5", command(deposit("-5")), bad, invalid));
        cases.add(new Case("amount NaN", command(deposit("NaN")), bad, badValue));
        cases.add(new Case("amount object", command(deposit("{\"value\":1}")), bad, invalid));
        cases.add(new Case("expectedVersion 1e30", command("{\"type\":\"Deposit\",\"aggregateId\":\"h-1\",\"expectedVersion\":1e30,\"data\":{\"amount\":1}}"), bad, badValue));
        cases.add(new Case("expectedVersion as a string", command("{\"type\":\"Deposit\",\"aggregateId\":\"h-1\",\"expectedVersion\":\"2\",\"data\":{\"amount\":1}}"), bad, malformed));
        cases.add(new Case("expectedVersion -2", command("{\"type\":\"Deposit\",\"aggregateId\":\"h-1\",\"expectedVersion\":-2,\"data\":{\"amount\":1}}"), bad, badValue));
        cases.add(new Case("duplicate aggregateId", command("{\"type\":\"Deposit\",\"aggregateId\":\"h-1\",\"aggregateId\":\"h-2\",\"data\":{\"amount\":1}}"), bad, malformed));
        cases.add(new Case("duplicate amount", command("{\"type\":\"Deposit\",\"aggregateId\":\"h-1\",\"data\":{\"amount\":1,\"amount\":1000000}}"), bad, badValue));
        cases.add(new Case("duplicate type", command("{\"type\":\"Withdraw\",\"type\":\"Deposit\",\"aggregateId\":\"h-1\",\"data\":{\"amount\":1}}"), bad, malformed));
        cases.add(new Case("trailing garbage", command(deposit("1") + "garbage"), bad, malformed));
        cases.add(new Case("two objects", command(deposit("1") + deposit("2")), bad, malformed));
        cases.add(new Case("comment in JSON", command("{/* hi */\"type\":\"Deposit\",\"aggregateId\":\"h-1\",\"data\":{\"amount\":1}}"), bad, malformed));
        cases.add(new Case("single quotes", command("{'type':'Deposit','aggregateId':'h-1','data':{'amount':1}}"), bad, malformed));
        cases.add(new Case("type is a number", command("{\"type\":5,\"aggregateId\":\"h-1\",\"data\":{}}"), bad, malformed));
        cases.add(new Case("aggregateId is an object", command("{\"type\":\"Deposit\",\"aggregateId\":{},\"data\":{\"amount\":1}}"), bad, malformed));
        cases.add(new Case("data is an array", command("{\"type\":\"Deposit\",\"aggregateId\":\"h-1\",\"data\":[]}"), bad, malformed));
        cases.add(new Case("data is a string", command("{\"type\":\"Deposit\",\"aggregateId\":\"h-1\",\"data\":\"x\"}"), bad, malformed));
        cases.add(new Case("commandId is a number", command("{\"commandId\":7,\"type\":\"Deposit\",\"aggregateId\":\"h-1\",\"data\":{\"amount\":1}}"), bad, malformed));
        cases.add(new Case("body is an array", command("[]"), bad, malformed));
        cases.add(new Case("body is a string", command("\"Deposit\""), bad, malformed));
        cases.add(new Case("body is null", command("null"), bad, malformed));
        cases.add(new Case("body is a number", command("123"), bad, malformed));
        cases.add(new Case("empty body", command(""), bad, malformed));
        cases.add(new Case("whitespace body", command("   \r\n  "), bad, malformed));
        cases.add(new Case("no body at all", RawHttp.request("POST", "/commands", null, JSON, WRITER), bad, malformed));
        cases.add(new Case("missing type", command("{\"aggregateId\":\"h-1\",\"data\":{}}"), bad, malformed));
        cases.add(new Case("missing aggregateId", command("{\"type\":\"Deposit\",\"data\":{\"amount\":1}}"), bad, malformed));
        cases.add(new Case("unknown type", command("{\"type\":\"Rob\",\"aggregateId\":\"h-1\",\"data\":{}}"), bad, c("UNKNOWN_COMMAND_TYPE")));
        // unknown fields: a typo must never switch a check off (the misspelt expectedVersion would skip the version check)
        final Set<String> unknown = c("UNKNOWN_FIELD");
        cases.add(new Case("misspelt expectedVersion", command("{\"type\":\"Deposit\",\"aggregateId\":\"h-1\",\"expectedVerison\":1,\"data\":{\"amount\":1}}"), bad, unknown));
        cases.add(new Case("unknown data field", command("{\"type\":\"Deposit\",\"aggregateId\":\"h-1\",\"data\":{\"amount\":1,\"currency\":\"USD\"}}"), bad, unknown));
        cases.add(new Case("40,000-char unknown field name", command("{\"type\":\"Deposit\",\"aggregateId\":\"h-1\",\"" + "k".repeat(40_000) + "\":1}"), bad, unknown));
        cases.add(new Case("10,000 unknown data fields", command("{\"type\":\"Deposit\",\"aggregateId\":\"h-1\",\"data\":{\"amount\":1" +
            manyFields(10_000) + "}}"), bad, unknown));
        cases.add(new Case("misspelt batch field", RawHttp.request("POST", "/commands/batch",
            RawHttp.bytes("{\"atomc\":true,\"commands\":[" + deposit("1") + "]}"), JSON, WRITER), bad, unknown));
        cases.add(new Case("unknown field in a batch item", RawHttp.request("POST", "/commands/batch",
            RawHttp.bytes("{\"atomic\":true,\"commands\":[" + deposit("1") + ",{\"type\":\"Deposit\",\"aggregateId\":\"h-1\",\"data\":{\"amount\":1},\"causationId\":\"x\"}]}"),
            JSON, WRITER), bad, unknown));
        for (final String id : List.of("a/b", "../x", "a b", "é", "", "x".repeat(129), "h-1\u0000", "h-1\r\nX-Injected: 1"))
        {
            cases.add(new Case("aggregateId '" + id.substring(0, Math.min(id.length(), 12)).replace("\r\n", "\\r\\n") + "'",
                command(new io.vertx.core.json.JsonObject().put("type", "Deposit").put("aggregateId", id)
                    .put("data", new io.vertx.core.json.JsonObject().put("amount", 1)).encode()), bad, invalid));
        }
        cases.add(new Case("empty commandId", command("{\"commandId\":\"\",\"type\":\"Deposit\",\"aggregateId\":\"h-1\",\"data\":{\"amount\":1}}"), bad, invalid));
        cases.add(new Case("129-char commandId", command("{\"commandId\":\"" + "c".repeat(129) + "\",\"type\":\"Deposit\",\"aggregateId\":\"h-1\",\"data\":{\"amount\":1}}"), bad, invalid));
        cases.add(new Case("transfer to an invalid id", command("{\"type\":\"Transfer\",\"aggregateId\":\"h-1\",\"data\":{\"to\":\"../x\",\"amount\":1}}"), bad, invalid));

        // content types
        for (final String type : List.of("text/plain", "application/xml", "multipart/form-data; boundary=x",
            "application/x-www-form-urlencoded", "application/jsonx", "json"))
        {
            cases.add(new Case("Content-Type " + type, RawHttp.request("POST", "/commands", RawHttp.bytes(deposit("1")),
                "Content-Type: " + type, WRITER), s(415), c("UNSUPPORTED_MEDIA_TYPE")));
        }
        cases.add(new Case("no Content-Type", RawHttp.request("POST", "/commands", RawHttp.bytes(deposit("1")), WRITER),
            s(415), c("UNSUPPORTED_MEDIA_TYPE")));

        // sizes and framing
        final byte[] twoMib = RawHttp.bytes(deposit("1") + " ".repeat(2 << 20));
        cases.add(new Case("2 MiB body with Content-Length", command(twoMib), s(413), c("PAYLOAD_TOO_LARGE")));
        cases.add(new Case("2 MiB body chunked", RawHttp.concat(RawHttp.bytes("POST /commands HTTP/1.1\r\nHost: x\r\n" + JSON +
            "\r\n" + WRITER + "\r\nTransfer-Encoding: chunked\r\n\r\n"), chunked(twoMib)), s(413), c("PAYLOAD_TOO_LARGE")));
        cases.add(new Case("Content-Length far beyond the limit", RawHttp.bytes("POST /commands HTTP/1.1\r\nHost: x\r\n" + JSON +
            "\r\n" + WRITER + "\r\nContent-Length: 99999999999\r\n\r\n{}"), s(413), c("PAYLOAD_TOO_LARGE")));
        cases.add(new Case("negative Content-Length", RawHttp.bytes("POST /commands HTTP/1.1\r\nHost: x\r\n" + JSON + "\r\n" +
            WRITER + "\r\nContent-Length: -1\r\n\r\n{}"), bad, c()));
        cases.add(new Case("Content-Length and chunked together", RawHttp.concat(RawHttp.bytes("POST /commands HTTP/1.1\r\nHost: x\r\n" +
            JSON + "\r\n" + WRITER + "\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"), chunked(RawHttp.bytes(deposit("1")))),
            bad, c()));
        // a body whose chunk framing is broken: Netty's decoder gives up on the connection, Vert.x closes it unanswered
        cases.add(new Case("invalid chunk size", RawHttp.bytes("POST /commands HTTP/1.1\r\nHost: x\r\n" + JSON + "\r\n" + WRITER +
            "\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"), s(400, CLOSED), c()));
        cases.add(new Case("huge chunk size", RawHttp.bytes("POST /commands HTTP/1.1\r\nHost: x\r\n" + JSON + "\r\n" + WRITER +
            "\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF\r\nabc\r\n0\r\n\r\n"), s(400, 413, CLOSED), c()));
        cases.add(new Case("chunked malformed JSON", RawHttp.concat(RawHttp.bytes("POST /commands HTTP/1.1\r\nHost: x\r\n" + JSON +
            "\r\n" + WRITER + "\r\nTransfer-Encoding: chunked\r\n\r\n"), chunked(RawHttp.bytes("{\"type\":"))), bad, malformed));
        cases.add(new Case("16 KiB header", RawHttp.request("GET", "/health/live", null, "X-Big: " + "b".repeat(16 * 1024)),
            s(431), c()));
        final StringBuilder many = new StringBuilder();
        for (int i = 0; i < 600; i++)
        {
            many.append("X-H").append(i).append(": value-").append(i).append("\r\n");
        }
        cases.add(new Case("600 headers", RawHttp.bytes("GET /health/live HTTP/1.1\r\nHost: x\r\n" + many + "\r\n"), s(431), c()));
        cases.add(new Case("16 KiB URI", RawHttp.request("GET", "/events?x=" + "u".repeat(16 * 1024), null, READER), s(414), c()));
        cases.add(new Case("header with a NUL", RawHttp.bytes("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0000b\r\n\r\n"), bad, c()));
        cases.add(new Case("not HTTP at all", RawHttp.bytes("HELLO THERE\r\n\r\n"), bad, c()));

        // path tricks on protected routes, without a key and with too weak a key
        for (final String path : List.of("/admin/../admin/snapshots", "/%2e%2e/admin/snapshots", "/commands/%2e%2e/admin/snapshots",
            "//admin/snapshots", "/admin//snapshots", "/admin/snapshots;jsessionid=x", "/admin/snapshots/", "/ADMIN/snapshots",
            "/admin/snapshots%00", "/admin/%73napshots", "/./admin/snapshots", "/admin/./snapshots", "/admin/snapshots?x=../../",
            "/admin/snapshots%2f", "/%61dmin/snapshots", "/commands/../admin/snapshots"))
        {
            cases.add(new Case("POST " + path + " without a key", RawHttp.request("POST", path, new byte[0]), s(400, 401, 404),
                c("UNAUTHENTICATED", "NOT_FOUND", "MALFORMED_REQUEST")));
            cases.add(new Case("POST " + path + " with the writer key", RawHttp.request("POST", path, new byte[0], WRITER),
                s(400, 403, 404), c("FORBIDDEN", "NOT_FOUND", "MALFORMED_REQUEST")));
        }
        for (final String path : List.of("/events/..", "/health/../events", "/%65vents", "/events;x=1", "//events", "/health/live/../../events"))
        {
            cases.add(new Case("GET " + path + " without a key", RawHttp.request("GET", path, null), s(400, 401, 404),
                c("UNAUTHENTICATED", "NOT_FOUND", "MALFORMED_REQUEST")));
        }

        // auth bypass attempts
        final String valid = deposit("1");
        cases.add(new Case("no key", RawHttp.request("POST", "/commands", RawHttp.bytes(valid), JSON), s(401), c("UNAUTHENTICATED")));
        cases.add(new Case("wrong key", RawHttp.request("POST", "/commands", RawHttp.bytes(valid), JSON, "Authorization: Bearer nope"),
            s(401), c("UNAUTHENTICATED")));
        for (final String q : List.of("apiKey", "api_key", "key", "access_token", "token", "X-Api-Key"))
        {
            cases.add(new Case("key in query ?" + q, RawHttp.request("POST", "/commands?" + q + "=" + WRITER_KEY, RawHttp.bytes(valid), JSON),
                s(401), c("UNAUTHENTICATED")));
        }
        cases.add(new Case("reader key writes", RawHttp.request("POST", "/commands", RawHttp.bytes(valid), JSON, READER), s(403), c("FORBIDDEN")));
        cases.add(new Case("writer key takes a snapshot", RawHttp.request("POST", "/admin/snapshots", new byte[0], WRITER), s(403), c("FORBIDDEN")));
        cases.add(new Case("Basic auth with the key", RawHttp.request("POST", "/commands", RawHttp.bytes(valid), JSON,
            "Authorization: Basic " + Base64.getEncoder().encodeToString((WRITER_KEY + ":").getBytes(StandardCharsets.UTF_8))),
            s(401), c("UNAUTHENTICATED")));
        cases.add(new Case("empty Bearer", RawHttp.request("POST", "/commands", RawHttp.bytes(valid), JSON, "Authorization: Bearer "),
            s(401), c("UNAUTHENTICATED")));
        cases.add(new Case("key with a suffix", RawHttp.request("POST", "/commands", RawHttp.bytes(valid), JSON, WRITER + "x"),
            s(401), c("UNAUTHENTICATED")));
        cases.add(new Case("key's hash as the key", RawHttp.request("POST", "/commands", RawHttp.bytes(valid), JSON,
            "Authorization: Bearer " + sha256(WRITER_KEY)), s(401), c("UNAUTHENTICATED")));
        cases.add(new Case("empty X-Api-Key", RawHttp.request("POST", "/commands", RawHttp.bytes(valid), JSON, "X-Api-Key: "),
            s(401), c("UNAUTHENTICATED")));
        cases.add(new Case("metrics without a key", RawHttp.request("GET", "/metrics", null), s(401), c("UNAUTHENTICATED")));
        cases.add(new Case("events without a key", RawHttp.request("GET", "/events", null), s(401), c("UNAUTHENTICATED")));
        cases.add(new Case("aggregate without a key", RawHttp.request("GET", "/aggregates/h-1", null), s(401), c("UNAUTHENTICATED")));
        cases.add(new Case("snapshot list with the reader key", RawHttp.request("GET", "/admin/snapshots", null, READER), s(403), c("FORBIDDEN")));

        // WebSocket upgrades
        final String upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13";
        cases.add(new Case("WebSocket without a key", RawHttp.request("GET", "/subscribe?fromPosition=1", null, upgrade), s(401), c("UNAUTHENTICATED")));
        cases.add(new Case("WebSocket with the key in the query", RawHttp.request("GET", "/subscribe?fromPosition=1&apiKey=" + READER_KEY,
            null, upgrade), s(401), c("UNAUTHENTICATED")));
        cases.add(new Case("WebSocket from a foreign Origin", RawHttp.request("GET", "/subscribe?fromPosition=1", null, upgrade, READER,
            "Origin: https://evil.example"), s(403), c("FORBIDDEN")));
        cases.add(new Case("WebSocket from a look-alike Origin", RawHttp.request("GET", "/subscribe?fromPosition=1", null, upgrade, READER,
            "Origin: https://app.example.evil.example"), s(403), c("FORBIDDEN")));
        cases.add(new Case("WebSocket with Origin null", RawHttp.request("GET", "/subscribe?fromPosition=1", null, upgrade, READER,
            "Origin: null"), s(403), c("FORBIDDEN")));
        cases.add(new Case("WebSocket with bad parameters", RawHttp.request("GET", "/subscribe?fromPosition=abc", null, upgrade, READER),
            bad, c()));

        // methods and parameters
        cases.add(new Case("PUT /commands", RawHttp.request("PUT", "/commands", RawHttp.bytes(valid), JSON, WRITER), s(405), c("METHOD_NOT_ALLOWED")));
        cases.add(new Case("DELETE /events", RawHttp.request("DELETE", "/events", null, READER), s(405), c("METHOD_NOT_ALLOWED")));
        cases.add(new Case("TRACE /", RawHttp.request("TRACE", "/", null), s(400, 404, 405), c()));
        for (final String q : List.of("fromPosition=abc", "fromPosition=-5", "fromPosition=99999999999999999999", "limit=0",
            "limit=99999999", "limit=1e3", "limit=-1"))
        {
            cases.add(new Case("GET /events?" + q, RawHttp.request("GET", "/events?" + q, null, READER), bad, c()));
        }
        cases.add(new Case("10,000-char aggregate id in the path", RawHttp.request("GET", "/aggregates/" + "a".repeat(10_000), null, READER),
            s(400, 404, 414), c()));
        cases.add(new Case("minPosition=abc", RawHttp.request("GET", "/aggregates/h-1?minPosition=abc", null, READER), bad, c()));
        cases.add(new Case("atVersion=-1", RawHttp.request("GET", "/aggregates/h-1?atVersion=-1", null, READER), bad, c()));
        cases.add(new Case("batch commands is an object", RawHttp.request("POST", "/commands/batch",
            RawHttp.bytes("{\"atomic\":true,\"commands\":{}}"), JSON, WRITER), bad, malformed));
        cases.add(new Case("batch atomic is a string", RawHttp.request("POST", "/commands/batch",
            RawHttp.bytes("{\"atomic\":\"yes\",\"commands\":[" + valid + "]}"), JSON, WRITER), bad, malformed));
        cases.add(new Case("batch of 10,001", RawHttp.request("POST", "/commands/batch",
            RawHttp.bytes("{\"atomic\":true,\"commands\":[" + (valid + ",").repeat(10_000) + valid + "]}"), JSON, WRITER), bad, invalid));
        cases.add(new Case("atomic batch with one bad command", RawHttp.request("POST", "/commands/batch",
            RawHttp.bytes("{\"atomic\":true,\"commands\":[" + valid + "," + deposit("-1") + "]}"), JSON, WRITER), bad, invalid));
        return cases;
    }

    private static String manyFields(final int n)
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++)
        {
            sb.append(",\"f").append(i).append("\":").append(i);
        }
        return sb.toString();
    }

    private static byte[] chunked(final byte[] body)
    {
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int at = 0; at < body.length; at += 8192)
        {
            final int n = Math.min(8192, body.length - at);
            out.writeBytes(RawHttp.bytes(Integer.toHexString(n) + "\r\n"));
            out.write(body, at, n);
            out.writeBytes(RawHttp.bytes("\r\n"));
        }
        out.writeBytes(RawHttp.bytes("0\r\n\r\n"));
        return out.toByteArray();
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void shouldAnswerTheDocumented4xxWithAProblem(final Case hostile)
    {
        TRIED.incrementAndGet();
        final RawHttp.Response r = RawHttp.exchange(server.port(), hostile.request());
        assertThat(r.status()).as("%s -> %s", hostile.name(), r).isIn(hostile.statuses());
        if (r.status() == CLOSED)
        {
            CLOSED_UNANSWERED.incrementAndGet();
            return;
        }
        assertThat(r.isProblem()).as("%s answered with a problem+json body: %s", hostile.name(), r).isTrue();
        if (!hostile.codes().isEmpty())
        {
            assertThat(r.code()).as("%s -> %s", hostile.name(), r).isIn(hostile.codes());
        }
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("at dev.strand")
            .doesNotContain("at io.vertx");
        if (r.status() == 401)
        {
            assertThat(r.headers()).containsKey("www-authenticate");
        }
    }

    @Order(2)
    @Test
    void shouldHaveJournaledNothingAndStayHealthy()
    {
        assertThat(position()).as("journal position after the corpus").isEqualTo(journalBefore);
        assertThat(adminSnapshots()).as("snapshots after the corpus").isEqualTo(snapshotsBefore);
        assertThat(server.http().get("/health/ready").statusCode()).isEqualTo(200);
        final Http writer = server.http().with("Authorization", "Bearer " + WRITER_KEY);
        assertThat(writer.command(Http.deposit("h-1", 1)).statusCode()).isEqualTo(200);
        assertThat(server.log()).doesNotContain(" failed with 500").doesNotContain("has been blocked for");
        Work.figures("hostile input", TRIED.get() + " hostile requests: each the documented 4xx with problem+json (" +
            CLOSED_UNANSWERED.get() + " with broken chunk framing closed unanswered), never a 5xx, nothing journaled or " +
            "snapshotted, server healthy after");
    }
}
