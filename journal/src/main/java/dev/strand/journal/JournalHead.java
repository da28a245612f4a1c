package dev.strand.journal;

/**
 * The newest link of the journal's hash chain and the first position the journal still serves.
 *
 * @param position      the journal's last position (0 when empty).
 * @param hash          the chain hash of the commit ending there, 64 hex digits; 64 zeros when no commit carries
 *                      one yet (an empty journal, or one written before the hash chain and not appended to since).
 * @param firstPosition the first position still served (1 unless older cycle files were archived).
 */
public record JournalHead(long position, String hash, long firstPosition)
{
}
