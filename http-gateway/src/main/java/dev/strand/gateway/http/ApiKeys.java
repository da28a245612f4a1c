package dev.strand.gateway.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/**
 * The configured API keys, stored only as SHA-256 hashes (lower-case hex) with their role. A presented key is hashed
 * and looked up; the plain key is never kept. Immutable.
 */
public final class ApiKeys
{
    public static final ApiKeys NONE = new ApiKeys(Map.of());

    private final Map<String, Role> roleByHash;

    private ApiKeys(final Map<String, Role> roleByHash)
    {
        this.roleByHash = Map.copyOf(roleByHash);
    }

    /**
     * Parses {@code role:sha256hex[,role:sha256hex...]}; an empty string means no keys.
     *
     * @throws IllegalArgumentException naming the bad entry.
     */
    public static ApiKeys parse(final String spec)
    {
        final Map<String, Role> byHash = new HashMap<>();
        for (final String raw : spec.split(","))
        {
            final String entry = raw.trim();
            if (entry.isEmpty())
            {
                continue;
            }
            final int colon = entry.indexOf(':');
            if (colon <= 0)
            {
                throw new IllegalArgumentException("expected role:sha256hex, got '" + entry + "'");
            }
            final Role role;
            try
            {
                role = Role.valueOf(entry.substring(0, colon).trim().toUpperCase(Locale.ROOT));
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException("unknown role in '" + entry + "' (reader, writer or admin)");
            }
            final String hash = entry.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
            if (!hash.matches("[0-9a-f]{64}"))
            {
                throw new IllegalArgumentException(
                    "the key of '" + entry.substring(0, colon) + "' must be a SHA-256 hash in hex (64 characters); " +
                        "compute it with: java -jar strand.jar hash-key <key>");
            }
            byHash.put(hash, role);
        }
        return new ApiKeys(byHash);
    }

    public boolean isEmpty()
    {
        return roleByHash.isEmpty();
    }

    /** @return the key's role, or null when the key is unknown. */
    public Role roleOf(final String presentedKey)
    {
        return roleByHash.get(sha256Hex(presentedKey));
    }

    public static String sha256Hex(final String key)
    {
        try
        {
            final MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(key.getBytes(StandardCharsets.UTF_8)));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-256 is part of every JDK", ex);
        }
    }
}
