package dev.strand.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How a setting's text becomes a value, which values are allowed, and how a value is written back (for defaults in
 * help and tables). Parsing and checking throw {@link IllegalArgumentException} with the reason only; the setting
 * adds its name.
 *
 * @param <T> the value type.
 */
public interface SettingType<T>
{
    /**
     * @param text the text from a flag or an environment variable.
     * @return the value, not yet range-checked.
     */
    T parse(String text);

    /**
     * @param value a value.
     * @throws IllegalArgumentException if it is outside the allowed range.
     */
    void check(T value);

    /**
     * @param value a value.
     * @return it as a user would write it.
     */
    String format(T value);

    /**
     * @return the allowed values in a few words, e.g. {@code 0..65535} or {@code async, sync}.
     */
    String describe();

    /**
     * @return a word for the value in usage lines: {@code n}, {@code size}, {@code name}, ...
     */
    default String label()
    {
        return "value";
    }

    /**
     * @return true for a switch: the flag alone means true.
     */
    default boolean isSwitch()
    {
        return false;
    }

    /**
     * @param min smallest allowed.
     * @param max largest allowed.
     * @return an int in {@code [min, max]}.
     */
    static SettingType<Integer> integer(final int min, final int max)
    {
        return new Ranged<>("n", text -> Math.toIntExact(wholeNumber(text)), Long::valueOf, String::valueOf, min, max, String::valueOf);
    }

    /**
     * @param min smallest allowed, a power of two.
     * @param max largest allowed, a power of two.
     * @return a power of two in {@code [min, max]}.
     */
    static SettingType<Integer> powerOfTwo(final int min, final int max)
    {
        final SettingType<Integer> range = integer(min, max);
        return new SettingType<>()
        {
            public Integer parse(final String text)
            {
                return range.parse(text);
            }

            public void check(final Integer value)
            {
                range.check(value);
                if (Integer.bitCount(value) != 1)
                {
                    throw new IllegalArgumentException("must be a power of two, was " + value);
                }
            }

            public String format(final Integer value)
            {
                return String.valueOf(value);
            }

            public String describe()
            {
                return "power of two, " + range.describe();
            }

            public String label()
            {
                return "n";
            }
        };
    }

    /**
     * @param min smallest allowed.
     * @param max largest allowed.
     * @return a long in {@code [min, max]}.
     */
    static SettingType<Long> count(final long min, final long max)
    {
        return new Ranged<>("n", SettingType::wholeNumber, Long::valueOf, String::valueOf, min, max, String::valueOf);
    }

    /**
     * @param min smallest allowed, in bytes.
     * @param max largest allowed, in bytes.
     * @return a size in bytes (see {@link Units#parseSize}).
     */
    static SettingType<Long> size(final long min, final long max)
    {
        return new Ranged<>("size", Units::parseSize, Long::valueOf, Units::formatSize, min, max, Units::formatSize);
    }

    /**
     * @param type the enum.
     * @return one of its constants, written in lower case with dashes ({@code lite-blocking}); parsing ignores case
     * and treats {@code -} and {@code _} alike.
     */
    static <E extends Enum<E>> SettingType<E> lowerCase(final Class<E> type)
    {
        return new OneOf<>(type, e -> e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }

    /**
     * @param type the enum.
     * @return one of its constants, written as declared ({@code FAST_DAILY}); parsing ignores case.
     */
    static <E extends Enum<E>> SettingType<E> upperCase(final Class<E> type)
    {
        return new OneOf<>(type, Enum::name);
    }

    /**
     * @return true or false; the flag alone means true.
     */
    static SettingType<Boolean> bool()
    {
        return new SettingType<>()
        {
            public Boolean parse(final String text)
            {
                return switch (text.trim().toLowerCase(Locale.ROOT))
                {
                    case "true" -> true;
                    case "false" -> false;
                    default -> throw new IllegalArgumentException("must be true or false, was '" + text.trim() + "'");
                };
            }

            public void check(final Boolean value)
            {
            }

            public String format(final Boolean value)
            {
                return String.valueOf(value);
            }

            public String describe()
            {
                return "true, false";
            }

            public boolean isSwitch()
            {
                return true;
            }
        };
    }

    /**
     * @return any text, trimmed.
     */
    static SettingType<String> text()
    {
        return new Plain<>(String::trim, v -> v, "text");
    }

    /**
     * @return a file system path.
     */
    static SettingType<Path> path()
    {
        return new Plain<>(text ->
        {
            if (text.isBlank())
            {
                throw new IllegalArgumentException("must not be empty");
            }
            return Path.of(text.trim());
        }, Path::toString, "path");
    }

    /**
     * @return a comma-separated list; blanks are dropped.
     */
    static SettingType<List<String>> list()
    {
        return new Plain<>(text -> Arrays.stream(text.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList(),
            v -> String.join(",", v), "comma-separated list");
    }

    /**
     * @param plainUnit the unit of a plain number, e.g. {@code "s"}.
     * @param min       shortest allowed.
     * @param max       longest allowed.
     * @return a duration (see {@link Units#parseDuration}).
     */
    static SettingType<Duration> duration(final String plainUnit, final Duration min, final Duration max)
    {
        return new Ranged<>("duration", text -> Units.parseDuration(text, plainUnit), Duration::toNanos, Units::formatDuration, min, max,
            Units::formatDuration);
    }

    /**
     * @param parser      text to value; throws {@link IllegalArgumentException} with the reason.
     * @param formatter   value to text.
     * @param description the allowed values in a few words.
     * @return a type for values only the caller knows how to read, e.g. API keys.
     */
    static <T> SettingType<T> of(final Function<String, T> parser, final Function<T, String> formatter, final String description)
    {
        return new Plain<>(parser, formatter, description);
    }

    private static long wholeNumber(final String text)
    {
        final String t = text.trim().replace("_", "");
        try
        {
            return Long.parseLong(t);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("must be an integer, was '" + text.trim() + "'");
        }
    }

    /** A value with a closed range. */
    final class Ranged<T> implements SettingType<T>
    {
        private final String label;
        private final Function<String, T> parser;
        private final Function<T, Long> order;
        private final Function<T, String> formatter;
        private final T min;
        private final T max;
        private final Function<T, String> rangeFormatter;

        Ranged(final String label, final Function<String, T> parser, final Function<T, Long> order,
            final Function<T, String> formatter, final T min, final T max, final Function<T, String> rangeFormatter)
        {
            this.label = label;
            this.parser = parser;
            this.order = order;
            this.formatter = formatter;
            this.min = min;
            this.max = max;
            this.rangeFormatter = rangeFormatter;
        }

        public String label()
        {
            return label;
        }

        public T parse(final String text)
        {
            try
            {
                return parser.apply(text);
            }
            catch (final ArithmeticException ex)
            {
                throw new IllegalArgumentException("too large: " + text.trim() + " (allowed: " + describe() + ")");
            }
        }

        public void check(final T value)
        {
            if (value == null)
            {
                throw new IllegalArgumentException("must be given");
            }
            final long v = order.apply(value);
            if (v < order.apply(min) || v > order.apply(max))
            {
                throw new IllegalArgumentException(
                    (unbounded() ? "must be at least " + rangeFormatter.apply(min) : "must be within " + describe()) +
                        ", was " + formatter.apply(value));
            }
        }

        private boolean unbounded()
        {
            final long top = order.apply(max);
            return top == Long.MAX_VALUE || top == Integer.MAX_VALUE;
        }

        public String format(final T value)
        {
            return formatter.apply(value);
        }

        public String describe()
        {
            return unbounded() ? ">= " + rangeFormatter.apply(min) : rangeFormatter.apply(min) + ".." + rangeFormatter.apply(max);
        }
    }

    /** One constant of an enum. */
    final class OneOf<E extends Enum<E>> implements SettingType<E>
    {
        private final Class<E> type;
        private final Function<E, String> namer;

        OneOf(final Class<E> type, final Function<E, String> namer)
        {
            this.type = type;
            this.namer = namer;
        }

        public String label()
        {
            return "name";
        }

        public E parse(final String text)
        {
            final String wanted = text.trim().replace('-', '_');
            for (final E e : type.getEnumConstants())
            {
                if (e.name().equalsIgnoreCase(wanted))
                {
                    return e;
                }
            }
            throw new IllegalArgumentException("must be one of " + describe() + ", was '" + text.trim() + "'");
        }

        public void check(final E value)
        {
            if (value == null)
            {
                throw new IllegalArgumentException("must be one of " + describe());
            }
        }

        public String format(final E value)
        {
            return namer.apply(value);
        }

        public String describe()
        {
            return Arrays.stream(type.getEnumConstants()).map(namer).collect(Collectors.joining(", "));
        }
    }

    /** Any value the parser takes. */
    final class Plain<T> implements SettingType<T>
    {
        private final String label;
        private final Function<String, T> parser;
        private final Function<T, String> formatter;
        private final String description;

        Plain(final Function<String, T> parser, final Function<T, String> formatter, final String description)
        {
            this.label = description.matches("[a-z]+") ? description : "list";
            this.parser = parser;
            this.formatter = formatter;
            this.description = description;
        }

        public T parse(final String text)
        {
            return parser.apply(text);
        }

        public void check(final T value)
        {
            if (value == null)
            {
                throw new IllegalArgumentException("must be given");
            }
        }

        public String format(final T value)
        {
            return formatter.apply(value);
        }

        public String describe()
        {
            return description;
        }

        public String label()
        {
            return label;
        }
    }
}
