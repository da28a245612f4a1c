package dev.strand.engine.spi;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MapFieldReaderTest
{
    private static Map<String, Object> fields(final Object... keysAndValues)
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2)
        {
            map.put((String)keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    @Test
    void shouldReportNoUnreadFieldWhenEveryFieldWasRead()
    {
        final MapFieldReader reader = new MapFieldReader(fields("to", "acc-2", "amount", 5L));
        assertThat(reader.readString("to")).isEqualTo("acc-2");
        assertThat(reader.readLong("amount")).isEqualTo(5L);
        assertThat(reader.firstUnreadField()).isNull();
    }

    @Test
    void shouldReportTheFirstUnreadFieldInTheMapsOrder()
    {
        final MapFieldReader reader = new MapFieldReader(fields("amount", 1L, "currency", "USD", "note", "x"));
        reader.readLong("amount");
        assertThat(reader.firstUnreadField()).isEqualTo("currency");
        reader.readString("currency", null);
        assertThat(reader.firstUnreadField()).isEqualTo("note");
    }

    @Test
    void shouldCountAnOptionalReadAndANullValueAsRead()
    {
        final MapFieldReader reader = new MapFieldReader(fields("owner", null, "closed", true));
        assertThat(reader.readString("owner", "nobody")).isEqualTo("nobody");
        assertThat(reader.readBoolean("closed", false)).isTrue();
        assertThat(reader.readLong("overdraftLimit", 7)).isEqualTo(7);
        assertThat(reader.firstUnreadField()).isNull();
    }

    @Test
    void shouldCountAFieldReadWithTheWrongTypeAsRead()
    {
        final MapFieldReader reader = new MapFieldReader(fields("amount", "10"));
        assertThatThrownBy(() -> reader.readLong("amount")).isInstanceOf(InvalidFieldException.class);
        assertThat(reader.firstUnreadField()).isNull();
    }

    @Test
    void shouldReportEveryFieldOfADecoderThatReadsNothing()
    {
        assertThat(new MapFieldReader(fields("reason", "done")).firstUnreadField()).isEqualTo("reason");
        assertThat(new MapFieldReader(Map.of()).firstUnreadField()).isNull();
        assertThat(new MapFieldReader(null).firstUnreadField()).isNull();
    }
}
