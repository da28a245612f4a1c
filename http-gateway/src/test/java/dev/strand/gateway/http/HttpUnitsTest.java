package dev.strand.gateway.http;

import dev.strand.engine.api.Rejection;
import dev.strand.engine.api.RejectionKind;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class HttpUnitsTest
{
    @Test
    void shouldMapEveryRejectionKindToOneStatus()
    {
        assertThat(Problem.statusOf(RejectionKind.MALFORMED)).isEqualTo(400);
        assertThat(Problem.statusOf(RejectionKind.INVALID)).isEqualTo(400);
        assertThat(Problem.statusOf(RejectionKind.NOT_FOUND)).isEqualTo(404);
        assertThat(Problem.statusOf(RejectionKind.CONFLICT)).isEqualTo(409);
        assertThat(Problem.statusOf(RejectionKind.BUSINESS)).isEqualTo(422);
        assertThat(Problem.statusOf(RejectionKind.UNAVAILABLE)).isEqualTo(503);
        assertThat(Problem.statusOf(RejectionKind.INTERNAL)).isEqualTo(500);
    }

    @Test
    void shouldWriteAProblemWithItsOptionalMembers()
    {
        final JsonObject json = Problem.of(Rejection.wrongExpectedVersion("a", 3, 5), 2).toJson();
        assertThat(json.getString("type")).isEqualTo("urn:strand:problem:wrong-expected-version");
        assertThat(json.getString("title")).isEqualTo("Wrong expected version");
        assertThat(json.getInteger("status")).isEqualTo(409);
        assertThat(json.getLong("currentVersion")).isEqualTo(5);
        assertThat(json.getInteger("index")).isEqualTo(2);
        assertThat(Problem.of(Rejection.OVERLOADED, -1).retryAfterSeconds()).isPositive();
        assertThat(Problem.invalidField("amount", "bad").toJson().getString("field")).isEqualTo("amount");
    }

    @Test
    void shouldFormatTimestampsWithMicroseconds()
    {
        assertThat(JsonCodec.timestamp(0)).isEqualTo("1970-01-01T00:00:00.000000Z");
        assertThat(JsonCodec.timestamp(1_795_601_148_457_123L)).isEqualTo(java.time.Instant.ofEpochSecond(1_795_601_148L, 457_123_000L)
            .toString().replace("Z", "").concat("Z"));
        assertThat(JsonCodec.timestamp(-1)).isEqualTo("1969-12-31T23:59:59.999999Z");
    }

    @Test
    void shouldAcceptJsonMediaTypesOnly()
    {
        assertThat(HttpVerticle.isJson("application/json")).isTrue();
        assertThat(HttpVerticle.isJson("Application/JSON; charset=utf-8")).isTrue();
        assertThat(HttpVerticle.isJson("application/merge-patch+json")).isTrue();
        assertThat(HttpVerticle.isJson("text/json")).isFalse();
        assertThat(HttpVerticle.isJson(null)).isFalse();
    }

    @Test
    void shouldKeepCloseReasonsWithinACloseFrame()
    {
        assertThat(WebSocketSubscriber.reason(42, "server shutting down")).isEqualTo("lastPosition=42; server shutting down");
        final String longReason = WebSocketSubscriber.reason(Long.MAX_VALUE, "é".repeat(200));
        assertThat(longReason.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(123);
        assertThat(longReason).startsWith("lastPosition=" + Long.MAX_VALUE);
    }

    @Test
    void shouldHashKeysAndGrantRolesInOrder()
    {
        final ApiKeys keys = ApiKeys.parse("writer:" + ApiKeys.sha256Hex("w"));
        assertThat(keys.roleOf("w")).isEqualTo(Role.WRITER);
        assertThat(keys.roleOf("x")).isNull();
        assertThat(Role.WRITER.allows(Role.READER)).isTrue();
        assertThat(Role.WRITER.allows(Role.ADMIN)).isFalse();
        assertThat(ApiKeys.sha256Hex("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
