package dev.strand.engine.spi;

/** The rule for aggregate ids: 1..128 characters of {@code [A-Za-z0-9._:-]}. */
public final class AggregateIds
{
    public static final int MAX_LENGTH = 128;

    private AggregateIds()
    {
    }

    public static boolean isValid(final String id)
    {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH)
        {
            return false;
        }
        for (int i = 0; i < id.length(); i++)
        {
            final char c = id.charAt(i);
            final boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '_' || c == ':' || c == '-';
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }
}
