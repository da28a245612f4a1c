package dev.strand.gateway.http;

/** What an API key may do; each role includes the ones before it. */
public enum Role
{
    /** GET endpoints, /metrics and /subscribe. */
    READER,
    /** Everything a reader may do, plus POST /commands and /commands/batch. */
    WRITER,
    /** Everything, including /admin. */
    ADMIN;

    public boolean allows(final Role required)
    {
        return compareTo(required) >= 0;
    }
}
