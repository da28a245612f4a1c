package dev.strand.engine.spi;

import dev.strand.engine.core.BinaryFieldReader;
import dev.strand.engine.core.BinaryFieldWriter;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * The codecs derived from records: binary and JSON (as parsed maps and lists) round trips over every supported type,
 * nesting, lists, maps, optional values, enums, decimals and instants; the binary layout of the simple types; what
 * derivation refuses; and strictness at any depth, with the field's path in every error.
 */
class RecordCodecTest
{
    enum Color
    {
        RED, GREEN, BLUE
    }

    public record Inner(String name, @Nullable Instant at, List<BigDecimal> amounts)
    {
    }

    public record Everything(
        boolean flag,
        int count,
        long total,
        String text,
        Color color,
        BigDecimal price,
        Instant when,
        List<Long> numbers,
        Map<String, Inner> byName,
        Inner inner,
        Optional<String> note,
        @Nullable Long maybe,
        @Nullable Inner maybeInner,
        List<List<String>> grid,
        Map<String, List<Color>> palette,
        @Nullable Color maybeColor,
        Optional<BigDecimal> maybePrice,
        Boolean boxed,
        Optional<Instant> maybeWhen)
    {
    }

    private static final RecordCodec<Everything> CODEC = RecordCodec.of(Everything.class);

    private static final Gen<Integer> SMALL = integers().between(0, 4);
    private static final Gen<Long> LONGS = longs().all();
    private static final Gen<Integer> INTS = integers().all();
    private static final Gen<Boolean> BOOLS = booleans().all();
    private static final Gen<Color> COLORS = arbitrary().enumValues(Color.class);
    private static final Gen<String> CHARS = arbitrary().pick("a", "Z", "0", " ", "ë", "€", "漢", "\uD83D\uDE00", "\"", "\\");

    private static Gen<String> strings()
    {
        return in ->
        {
            final int n = SMALL.generate(in) * 2;
            final StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++)
            {
                sb.append(CHARS.generate(in));
            }
            return sb.toString();
        };
    }

    /** Any scale from 0 to 9 (the JSON form keeps a scale >= 0 exactly), beyond 64 bits at times. */
    private static Gen<BigDecimal> decimals()
    {
        return in ->
        {
            BigInteger unscaled = BigInteger.valueOf(LONGS.generate(in));
            if (BOOLS.generate(in))
            {
                unscaled = unscaled.multiply(BigInteger.valueOf(LONGS.generate(in))).add(BigInteger.ONE);
            }
            return new BigDecimal(unscaled, integers().between(0, 9).generate(in));
        };
    }

    private static Gen<Instant> instants()
    {
        return in -> Instant.ofEpochSecond(longs().between(-62_135_596_800L, 253_402_300_799L).generate(in),
            integers().between(0, 999_999_999).generate(in));
    }

    private static <T> Gen<List<T>> lists(final Gen<T> element)
    {
        return in ->
        {
            final int n = SMALL.generate(in);
            final List<T> list = new ArrayList<>();
            for (int i = 0; i < n; i++)
            {
                list.add(element.generate(in));
            }
            return list;
        };
    }

    /** Maps built in a random insertion order (a HashMap): the codecs must not depend on it. */
    private static <T> Gen<Map<String, T>> maps(final Gen<T> value)
    {
        return in ->
        {
            final int n = SMALL.generate(in);
            final Map<String, T> map = new HashMap<>();
            for (int i = 0; i < n; i++)
            {
                map.put(strings().generate(in) + i, value.generate(in));
            }
            return map;
        };
    }

    private static <T> Gen<T> orNull(final Gen<T> gen)
    {
        return in -> BOOLS.generate(in) ? gen.generate(in) : null;
    }

    private static Gen<Inner> inners()
    {
        return in -> new Inner(strings().generate(in), orNull(instants()).generate(in), lists(decimals()).generate(in));
    }

    static Gen<Everything> everything()
    {
        return in -> new Everything(BOOLS.generate(in), INTS.generate(in), LONGS.generate(in), strings().generate(in),
            COLORS.generate(in), decimals().generate(in), instants().generate(in), lists(LONGS).generate(in),
            maps(inners()).generate(in), inners().generate(in), Optional.ofNullable(orNull(strings()).generate(in)),
            orNull(LONGS).generate(in), orNull(inners()).generate(in), lists(lists(strings())).generate(in),
            maps(lists(COLORS)).generate(in), orNull(COLORS).generate(in),
            Optional.ofNullable(orNull(decimals()).generate(in)), BOOLS.generate(in),
            Optional.ofNullable(orNull(instants()).generate(in)));
    }

    @Test
    void shouldRoundTripEverySupportedTypeThroughTheBinaryForm()
    {
        final BinaryFieldWriter out = new BinaryFieldWriter();
        final BinaryFieldReader in = new BinaryFieldReader();
        qt().withExamples(300).forAll(everything()).checkAssert(value ->
        {
            out.reset();
            CODEC.write(value, out);
            in.wrap(out.buffer(), 0, out.length());
            assertThat(CODEC.read(in)).isEqualTo(value);
            assertThat(in.exhausted()).as("every byte read").isTrue();
        });
    }

    @Test
    void shouldRoundTripEverySupportedTypeThroughTheJsonForm()
    {
        qt().withExamples(300).forAll(everything()).checkAssert(value ->
        {
            final MapFieldWriter out = new MapFieldWriter();
            CODEC.write(value, out);
            final MapFieldReader in = new MapFieldReader(out.fields());
            assertThat(CODEC.read(in)).isEqualTo(value);
            assertThat(in.firstUnreadField()).as("every field read").isNull();
        });
    }

    @Test
    void shouldWriteTheSameBytesWhateverOrderAMapWasBuiltIn()
    {
        final Map<String, Inner> forward = new LinkedHashMap<>();
        final Map<String, Inner> backward = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++)
        {
            forward.put("k" + i, new Inner("n" + i, null, List.of()));
            backward.put("k" + (19 - i), new Inner("n" + (19 - i), null, List.of()));
        }
        final BinaryFieldWriter a = new BinaryFieldWriter();
        final BinaryFieldWriter b = new BinaryFieldWriter();
        CODEC.write(sample(forward), a);
        CODEC.write(sample(backward), b);
        assertThat(bytes(a)).isEqualTo(bytes(b));
        final Everything read = CODEC.read(new BinaryFieldReader().wrap(a.buffer(), 0, a.length()));
        assertThat(read.byName().keySet()).as("read back in key order").isEqualTo(new TreeMap<>(forward).keySet());
    }

    @Test
    void shouldWriteTheSimpleTypesInTheJournalsLayout()
    {
        record Simple(@Nullable String owner, String currency, long overdraftLimit, boolean open, int count)
        {
        }
        final BinaryFieldWriter derived = new BinaryFieldWriter();
        RecordCodec.of(Simple.class).write(new Simple(null, "EUR", 7, true, -2), derived);
        final BinaryFieldWriter byHand = new BinaryFieldWriter();
        byHand.writeString("owner", null).writeString("currency", "EUR").writeLong("overdraftLimit", 7)
            .writeBoolean("open", true).writeInt("count", -2);
        assertThat(bytes(derived)).isEqualTo(bytes(byHand));
        assertThat(derived.length()).isEqualTo(4 + 4 + 3 + 8 + 1 + 4);
    }

    @Test
    void shouldCallEachDerivedCodecThroughAHiddenClassOfItsOwn()
    {
        record Amount(long amount)
        {
        }
        record Named(String name, long amount)
        {
        }
        final RecordCodec<Amount> amount = RecordCodec.of(Amount.class);
        final RecordCodec<Named> named = RecordCodec.of(Named.class);
        // a class of its own is what makes the trees constants the JIT inlines; the fallback is an ordinary class
        assertThat(amount.invoker().getClass().isHidden()).isTrue();
        assertThat(named.invoker().getClass().isHidden()).isTrue();
        assertThat(amount.invoker().getClass()).isNotSameAs(named.invoker().getClass());
        final BinaryFieldWriter out = new BinaryFieldWriter();
        named.write(new Named("n", 3), out);
        amount.write(new Amount(4), out);
        final BinaryFieldReader in = new BinaryFieldReader();
        in.wrap(out.buffer(), 0, out.length());
        assertThat(named.read(in)).isEqualTo(new Named("n", 3));
        assertThat(amount.read(in)).isEqualTo(new Amount(4));
        assertThat(in.exhausted()).isTrue();
    }

    @Test
    void shouldDescribeTheTypeForASchema()
    {
        final DataType.RecordType type = CODEC.type();
        assertThat(type.fields()).extracting(DataType.Field::name).startsWith("flag", "count", "total", "text");
        assertThat(type.fields().get(5).type()).isEqualTo(DataType.Scalar.DECIMAL);
        assertThat(type.fields().get(4).type()).isEqualTo(new DataType.EnumType(Color.class, List.of("RED", "GREEN", "BLUE")));
        assertThat(type.fields().get(8).type()).isInstanceOfSatisfying(DataType.MapType.class,
            m -> assertThat(m.value()).isInstanceOf(DataType.RecordType.class));
        assertThat(type.fields()).filteredOn(DataType.Field::optional).extracting(DataType.Field::name)
            .containsExactly("note", "maybe", "maybeInner", "maybeColor", "maybePrice", "maybeWhen");
    }

    @Test
    void shouldRefuseTypesItCannotCarry()
    {
        record WithDouble(double x)
        {
        }
        record WithSet(Set<String> x)
        {
        }
        record WithIntKeys(Map<Integer, String> x)
        {
        }
        record WithNullablePrimitive(@Nullable long x)
        {
        }
        record WithOptionalList(List<Optional<String>> x)
        {
        }
        assertThatThrownBy(() -> RecordCodec.of(WithDouble.class)).hasMessageContaining("WithDouble.x")
            .hasMessageContaining("double");
        assertThatThrownBy(() -> RecordCodec.of(WithSet.class)).hasMessageContaining("Set");
        assertThatThrownBy(() -> RecordCodec.of(WithIntKeys.class)).hasMessageContaining("map keys must be String");
        assertThatThrownBy(() -> RecordCodec.of(WithNullablePrimitive.class)).hasMessageContaining("primitive");
        assertThatThrownBy(() -> RecordCodec.of(WithOptionalList.class)).hasMessageContaining("Optional");
        assertThatThrownBy(() -> RecordCodec.of(Tree.class)).hasMessageContaining("contains itself");
    }

    public record Tree(String label, List<Tree> children)
    {
    }

    public record Line(String sku, long quantity, Color color)
    {
        public Line
        {
            if (quantity <= 0)
            {
                throw new InvalidFieldException("quantity", "quantity must be positive");
            }
        }
    }

    public record Order(List<Line> lines, Map<String, Line> extra, @Nullable BigDecimal discount, Optional<Instant> due)
    {
        public Order
        {
            if (lines.isEmpty())
            {
                throw new IllegalArgumentException("an order needs a line");
            }
        }
    }

    private static final RecordCodec<Order> ORDER = RecordCodec.of(Order.class);

    private static Map<String, Object> line(final Object... keyValues)
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2)
        {
            map.put((String)keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    private static Map<String, Object> order(final Object lines, final Object extra)
    {
        return line("lines", lines, "extra", extra);
    }

    private static void assertInvalid(final Map<String, Object> json, final String field, final String message)
    {
        assertThatThrownBy(() -> ORDER.read(new MapFieldReader(json)))
            .isInstanceOfSatisfying(InvalidFieldException.class, ex -> assertThat(ex.field()).isEqualTo(field))
            .hasMessageContaining(message);
    }

    @Test
    void shouldNameTheWholePathOfAnInvalidField()
    {
        final Map<String, Object> ok = line("sku", "a", "quantity", 1, "color", "RED");
        assertInvalid(order(List.of(ok, line("quantity", 1, "color", "RED")), Map.of()), "lines[1].sku",
            "field 'lines[1].sku' is required");
        assertInvalid(order(List.of(ok, line("sku", "b", "quantity", 0, "color", "RED")), Map.of()),
            "lines[1].quantity", "quantity must be positive");
        assertInvalid(order(List.of(line("sku", "b", "quantity", 1, "color", "PINK")), Map.of()), "lines[0].color",
            "must be one of RED, GREEN, BLUE");
        assertInvalid(order(List.of(ok), Map.of("x", line("sku", 5, "quantity", 1, "color", "RED"))), "extra.x.sku",
            "must be a string");
        assertInvalid(order(List.of(), Map.of()), null, "an order needs a line");
        assertInvalid(order("not a list", Map.of()), "lines", "must be an array");
        assertInvalid(order(java.util.Arrays.asList(ok, null), Map.of()), "lines[1]", "is required");
        assertInvalid(line("lines", List.of(ok), "extra", Map.of(), "discount", 1.5), "discount", "decimal");
        assertInvalid(line("lines", List.of(ok), "extra", Map.of(), "discount", "1e3"), "discount", "plain notation");
        assertInvalid(line("lines", List.of(ok), "extra", Map.of(), "due", "tomorrow"), "due", "ISO-8601");
        assertInvalid(line("lines", List.of(ok)), "extra", "is required");
    }

    @Test
    void shouldNoteAnUnknownFieldAtAnyDepthInTheDocumentsOrder()
    {
        final Map<String, Object> ok = line("sku", "a", "quantity", 1, "color", "RED");
        final MapFieldReader nested = new MapFieldReader(order(List.of(ok, line("sku", "a", "skuu", "b", "quantity", 1,
            "color", "RED")), Map.of("k", line("sku", "a", "quantity", 2, "color", "RED", "note", "x"))));
        ORDER.read(nested);
        assertThat(nested.firstUnreadField()).isEqualTo("lines[1].skuu");

        final MapFieldReader inMap = new MapFieldReader(order(List.of(ok),
            Map.of("k", line("sku", "a", "quantity", 2, "color", "RED", "note", "x"))));
        ORDER.read(inMap);
        assertThat(inMap.firstUnreadField()).isEqualTo("extra.k.note");

        final Map<String, Object> topFirst = line("zeta", 1);
        topFirst.putAll(order(List.of(line("sku", "a", "skuu", "b", "quantity", 1, "color", "RED")), Map.of()));
        final MapFieldReader top = new MapFieldReader(topFirst);
        ORDER.read(top);
        assertThat(top.firstUnreadField()).as("the first in the document's order").isEqualTo("zeta");

        final MapFieldReader clean = new MapFieldReader(line("lines", List.of(ok), "extra", Map.of(), "discount", null));
        assertThat(ORDER.read(clean).discount()).isNull();
        assertThat(clean.firstUnreadField()).as("a null optional counts as read").isNull();
    }

    public record Defaults(@Default("EUR") String currency, @Default("0") long limit, @Default("true") boolean open,
        @Default("GREEN") Color color, @Default("7") Long boxed)
    {
    }

    @Test
    void shouldReadTheDefaultOfAnAbsentFieldAndStoreEveryValue()
    {
        final RecordCodec<Defaults> codec = RecordCodec.of(Defaults.class);
        final MapFieldReader empty = new MapFieldReader(line("currency", null));
        assertThat(codec.read(empty)).isEqualTo(new Defaults("EUR", 0, true, Color.GREEN, 7L));
        assertThat(empty.firstUnreadField()).isNull();
        final Defaults given = new Defaults("USD", -3, false, Color.BLUE, 9L);
        assertThat(codec.read(new MapFieldReader(line("currency", "USD", "limit", -3L, "open", false, "color", "BLUE",
            "boxed", 9L)))).isEqualTo(given);
        final BinaryFieldWriter out = new BinaryFieldWriter();
        codec.write(given, out);
        assertThat(out.length()).as("no presence bytes: the value is always there").isEqualTo(4 + 3 + 8 + 1 + 4 + 4 + 8);
        assertThat(codec.read(new BinaryFieldReader().wrap(out.buffer(), 0, out.length()))).isEqualTo(given);
        assertThat(codec.type().fields()).extracting(DataType.Field::defaultValue)
            .containsExactly("EUR", "0", "true", "GREEN", "7");
        assertThat(codec.type().fields()).noneMatch(DataType.Field::required);
    }

    @Test
    void shouldRefuseADefaultItCannotCarry()
    {
        record OnInt(@Default("1") int x)
        {
        }
        record NotALong(@Default("one") long x)
        {
        }
        record NotAConstant(@Default("PINK") Color x)
        {
        }
        record AndNullable(@Default("a") @Nullable String x)
        {
        }
        assertThatThrownBy(() -> RecordCodec.of(OnInt.class)).hasMessageContaining("OnInt.x")
            .hasMessageContaining("@Default is for long, boolean, String and enum");
        assertThatThrownBy(() -> RecordCodec.of(NotALong.class)).hasMessageContaining("is not a long");
        assertThatThrownBy(() -> RecordCodec.of(NotAConstant.class)).hasMessageContaining("is not one of RED, GREEN, BLUE");
        assertThatThrownBy(() -> RecordCodec.of(AndNullable.class)).hasMessageContaining("not both");
    }

    @Test
    void shouldRefuseToWriteANullThatIsNotOptional()
    {
        final Order order = new Order(List.of(new Line("a", 1, Color.RED)), new HashMap<>(), null, Optional.empty());
        order.extra().put("k", null);
        assertThatThrownBy(() -> ORDER.write(order, new BinaryFieldWriter())).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("null at key k");
        assertThatThrownBy(() -> RecordCodec.of(Inner.class).write(new Inner(null, null, List.of()), new MapFieldWriter()))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("Inner.name is null but not optional");
    }

    private static Everything sample(final Map<String, Inner> byName)
    {
        return new Everything(true, 1, 2, "t", Color.RED, BigDecimal.ONE, Instant.EPOCH, List.of(), byName,
            new Inner("i", null, List.of()), Optional.empty(), null, null, List.of(), Map.of(), null, Optional.empty(),
            false, Optional.empty());
    }

    private static byte[] bytes(final BinaryFieldWriter writer)
    {
        final byte[] bytes = new byte[writer.length()];
        writer.buffer().getBytes(0, bytes);
        return bytes;
    }
}
