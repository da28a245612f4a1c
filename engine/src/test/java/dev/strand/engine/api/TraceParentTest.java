package dev.strand.engine.api;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The W3C Trace Context rules for a received traceparent (the specification's "traceparent Header" and "Versioning of
 * traceparent"; the cases follow the W3C test suite's): what is kept, and what is refused with INVALID_FIELD naming
 * the field.
 */
class TraceParentTest
{
    private static final String IDS = "12345678901234567890123456789012-1234567890123456";

    @Test
    void shouldKeepAVersion00TraceparentAsSent()
    {
        assertThat(TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
            .isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        assertThat(TraceParent.parse("00-" + IDS + "-00")).isEqualTo("00-" + IDS + "-00");
        assertThat(TraceParent.parse("00-" + IDS + "-09")).as("flags of a later level are kept").isEqualTo("00-" + IDS + "-09");
        assertThat(TraceParent.parse(null)).isNull();
        assertThat(TraceParent.traceId("00-" + IDS + "-01")).isEqualTo("12345678901234567890123456789012");
    }

    @Test
    void shouldReadAHigherVersionAsVersion00WithOnlyTheSampledFlag()
    {
        assertThat(TraceParent.parse("cc-" + IDS + "-01")).isEqualTo("00-" + IDS + "-01");
        assertThat(TraceParent.parse("cc-" + IDS + "-01-what-the-future-will-be-like")).isEqualTo("00-" + IDS + "-01");
        assertThat(TraceParent.parse("01-" + IDS + "-ff")).isEqualTo("00-" + IDS + "-01");
        assertThat(TraceParent.parse("fe-" + IDS + "-02")).isEqualTo("00-" + IDS + "-00");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "0",
        "00",
        "00-",
        ".0-12345678901234567890123456789012-1234567890123456-01",
        "0.-12345678901234567890123456789012-1234567890123456-01",
        "000-12345678901234567890123456789012-1234567890123456-01",
        "0000-12345678901234567890123456789012-1234567890123456-01",
        "0-12345678901234567890123456789012-1234567890123456-01",
        "ff-12345678901234567890123456789012-1234567890123456-01",
        "0A-12345678901234567890123456789012-1234567890123456-01",
        "00-12345678901234567890123456789012-1234567890123456-01.",
        "00-12345678901234567890123456789012-1234567890123456-01-what-the-future-will-be-like",
        "cc-12345678901234567890123456789012-1234567890123456-01.what-the-future-will-be-like",
        "cc-12345678901234567890123456789012-1234567890123456",
        "00-00000000000000000000000000000000-1234567890123456-01",
        "00-.2345678901234567890123456789012-1234567890123456-01",
        "00-1234567890123456789012345678901.-1234567890123456-01",
        "00-123456789012345678901234567890123-1234567890123456-01",
        "00-1234567890123456789012345678901-1234567890123456-01",
        "00-12345678901234567890123456789012-0000000000000000-01",
        "00-12345678901234567890123456789012-.234567890123456-01",
        "00-12345678901234567890123456789012-123456789012345.-01",
        "00-12345678901234567890123456789012-12345678901234567-01",
        "00-12345678901234567890123456789012-123456789012345-01",
        "00-12345678901234567890123456789012-1234567890123456-.0",
        "00-12345678901234567890123456789012-1234567890123456-0.",
        "00-12345678901234567890123456789012-1234567890123456-1",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01",
        "00_12345678901234567890123456789012-1234567890123456-01",
        "00-12345678901234567890123456789012_1234567890123456-01",
        "00-12345678901234567890123456789012-1234567890123456_01",
        " 00-12345678901234567890123456789012-1234567890123456-01",
        "00-12345678901234567890123456789012-1234567890123456-01 "})
    void shouldRefuseWhatTheSpecificationDoesNotAllow(final String value)
    {
        assertThatThrownBy(() -> TraceParent.parse(value)).as("'" + value + "'")
            .isInstanceOfSatisfying(InvalidCommandException.class, ex ->
            {
                assertThat(ex.rejection().code()).isEqualTo(ResultCodes.INVALID_FIELD);
                assertThat(ex.rejection().field()).isEqualTo("traceparent");
                assertThat(ex.rejection().detail()).startsWith("traceparent '").contains("is not a W3C traceparent: ");
            });
    }

    @Test
    void shouldQuoteOnlyPrintableCharactersOfABoundedLength()
    {
        assertThatThrownBy(() -> TraceParent.parse("00-\n" + "x".repeat(500)))
            .isInstanceOfSatisfying(InvalidCommandException.class, ex ->
                assertThat(ex.rejection().detail()).doesNotContain("\n").contains("?xxx", "x...'").hasSizeLessThan(300));
    }
}
