package dev.strand.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;

/**
 * The one parser of sizes, durations and counts, shared by the server's settings, the tools and the load generator.
 * Underscores group digits ({@code 1_000_000}).
 *
 * <ul>
 * <li>size: bytes, or a whole or decimal number with a binary unit {@code KiB MiB GiB TiB} (also {@code k m g t},
 * any case): {@code 64MiB}, {@code 1.5GiB}, {@code 512k}, {@code 1048576};</li>
 * <li>duration: a number with {@code ns us ms s m h} ({@code 30s}, {@code 2m}, {@code 500us}, {@code 1.5s}); a plain
 * number is in the unit the caller names;</li>
 * <li>count: a number with an optional decimal {@code k} (thousand) or {@code m} (million): {@code 50k},
 * {@code 1.5m}.</li>
 * </ul>
 * Every parser throws {@link IllegalArgumentException} with the reason; it never returns a partial value.
 */
public final class Units
{
    private static final String[] SIZE_UNITS = {"", "KiB", "MiB", "GiB", "TiB"};

    private Units()
    {
    }

    /**
     * @param text a size such as {@code 64MiB} or {@code 4096}.
     * @return the size in bytes.
     */
    public static long parseSize(final String text)
    {
        final String t = clean(text);
        final int split = numberEnd(t);
        final String unit = t.substring(split).trim().toLowerCase(Locale.ROOT);
        final int power = switch (unit)
        {
            case "", "b" -> 0;
            case "k", "kib" -> 1;
            case "m", "mib" -> 2;
            case "g", "gib" -> 3;
            case "t", "tib" -> 4;
            case "kb", "mb", "gb", "tb" -> throw new IllegalArgumentException(
                "'" + text.trim() + "' is ambiguous: write " + Character.toUpperCase(unit.charAt(0)) + "iB (binary units) or the number of bytes");
            default -> throw new IllegalArgumentException("'" + text.trim() + "' is not a size (e.g. 4096, 64KiB, 256MiB, 1GiB)");
        };
        final BigDecimal bytes = number(t.substring(0, split), text, "size").multiply(BigDecimal.valueOf(1L << (10 * power)));
        try
        {
            return bytes.longValueExact();
        }
        catch (final ArithmeticException ex)
        {
            throw new IllegalArgumentException("'" + text.trim() + "' is not a whole number of bytes below 2^63");
        }
    }

    /**
     * @param bytes a size.
     * @return its shortest exact form: {@code 268435456} is {@code 256MiB}, {@code 1000} stays {@code 1000}.
     */
    public static String formatSize(final long bytes)
    {
        int power = 0;
        long value = bytes;
        while (power < SIZE_UNITS.length - 1 && value != 0 && value % 1024 == 0)
        {
            value /= 1024;
            power++;
        }
        return value + SIZE_UNITS[power];
    }

    /**
     * @param text        a duration such as {@code 30s}, {@code 250ms}, {@code 2m}.
     * @param plainNumber the unit of a number written without one, e.g. {@code "s"}.
     * @return the duration.
     */
    public static Duration parseDuration(final String text, final String plainNumber)
    {
        final String t = clean(text);
        final int split = numberEnd(t);
        final String written = t.substring(split).trim().toLowerCase(Locale.ROOT);
        final String unit = written.isEmpty() ? plainNumber : written;
        final long nanosPerUnit = switch (unit)
        {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m", "min" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            case "d" -> 86_400_000_000_000L;
            default -> throw new IllegalArgumentException("'" + text.trim() + "' is not a duration (e.g. 30s, 250ms, 2m, 500us, 30d)");
        };
        final BigDecimal nanos = number(t.substring(0, split), text, "duration").multiply(BigDecimal.valueOf(nanosPerUnit));
        try
        {
            return Duration.ofNanos(nanos.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact());
        }
        catch (final ArithmeticException ex)
        {
            throw new IllegalArgumentException("'" + text.trim() + "' is too long a duration");
        }
    }

    /**
     * @param d a duration.
     * @return its shortest exact form: {@code 30s}, {@code 250ms}, {@code 5m}.
     */
    public static String formatDuration(final Duration d)
    {
        final long nanos = d.toNanos();
        if (nanos == 0)
        {
            return "0s";
        }
        final long[] per = {86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L, 1L};
        final String[] names = {"d", "h", "m", "s", "ms", "us", "ns"};
        for (int i = 0; i < per.length; i++)
        {
            if (nanos % per[i] == 0)
            {
                return nanos / per[i] + names[i];
            }
        }
        return nanos + "ns";
    }

    /**
     * @param text a count such as {@code 50k}, {@code 1.5m}, {@code 100_000} or {@code 2.5}.
     * @return its value.
     */
    public static double parseCount(final String text)
    {
        final String t = clean(text).replace(",", "");
        final int split = numberEnd(t);
        final String unit = t.substring(split).trim().toLowerCase(Locale.ROOT);
        final double factor = switch (unit)
        {
            case "" -> 1;
            case "k" -> 1e3;
            case "m" -> 1e6;
            default -> throw new IllegalArgumentException("'" + text.trim() + "' is not a number (e.g. 1000, 50k, 1.5m)");
        };
        return number(t.substring(0, split), text, "number").doubleValue() * factor;
    }

    private static String clean(final String text)
    {
        if (text == null || text.isBlank())
        {
            throw new IllegalArgumentException("no value given");
        }
        return text.trim().replace("_", "");
    }

    private static int numberEnd(final String t)
    {
        int i = 0;
        while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.' || (i == 0 && t.charAt(i) == '-')))
        {
            i++;
        }
        return i;
    }

    private static BigDecimal number(final String digits, final String text, final String what)
    {
        try
        {
            return new BigDecimal(digits);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("'" + text.trim() + "' is not a " + what);
        }
    }
}
