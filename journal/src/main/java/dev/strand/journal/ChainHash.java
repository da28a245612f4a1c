package dev.strand.journal;

import org.agrona.DirectBuffer;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The journal's hash chain: the chain hash of a commit is the SHA-256 of the previous commit's chain hash followed by
 * the commit record's bytes before its own chain hash. One reusable {@link MessageDigest} and one scratch array, so
 * hashing a commit allocates nothing once the scratch array has grown to the largest commit. Not thread-safe: one
 * instance per thread.
 */
final class ChainHash
{
    /** Bytes of a chain hash. */
    static final int LENGTH = CommitFormat.CHAIN_HASH_LENGTH;
    /** What the first chained commit links to: 32 zero bytes. */
    static final byte[] GENESIS = new byte[LENGTH];

    private static final HexFormat HEX = HexFormat.of();

    private final MessageDigest digest;
    private byte[] scratch = new byte[1024];

    ChainHash()
    {
        try
        {
            digest = MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("this JVM has no SHA-256, which every Java platform must provide", ex);
        }
    }

    /**
     * Computes the chain hash of the record in {@code record[0, contentLength)} linked to {@code previous}.
     *
     * @param previous      the previous commit's chain hash (32 bytes).
     * @param record        the record's bytes.
     * @param contentLength the bytes before the record's chain hash.
     * @param into          receives the 32-byte chain hash (may be {@code previous}).
     */
    void compute(final byte[] previous, final DirectBuffer record, final int contentLength, final byte[] into)
    {
        final int total = LENGTH + contentLength;
        if (scratch.length < total)
        {
            scratch = new byte[Math.max(total, scratch.length * 2)];
        }
        // one contiguous input, so the digest compresses its whole blocks in one call
        System.arraycopy(previous, 0, scratch, 0, LENGTH);
        record.getBytes(0, scratch, LENGTH, contentLength);
        digest.update(scratch, 0, total);
        try
        {
            digest.digest(into, 0, LENGTH);
        }
        catch (final DigestException ex)
        {
            throw new IllegalStateException("SHA-256 refused a 32-byte output buffer", ex);
        }
    }

    /**
     * @return the hash as 64 lower-case hex digits.
     */
    static String hex(final byte[] hash)
    {
        return HEX.formatHex(hash);
    }

    /**
     * @return the 32-byte hash that 64 hex digits spell.
     * @throws IllegalArgumentException if {@code hex} is not 64 hex digits.
     */
    static byte[] parse(final String hex)
    {
        if (hex == null || hex.length() != 2 * LENGTH)
        {
            throw new IllegalArgumentException("a chain hash is " + 2 * LENGTH + " hex digits, got " +
                (hex == null ? "none" : hex.length() + " characters"));
        }
        try
        {
            return HEX.parseHex(hex);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("a chain hash is " + 2 * LENGTH + " hex digits, got '" + hex + "'", ex);
        }
    }

    static boolean isGenesis(final byte[] hash)
    {
        return Arrays.equals(hash, GENESIS);
    }
}
