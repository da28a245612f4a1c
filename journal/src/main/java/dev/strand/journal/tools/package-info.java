/**
 * Command-line tools over a journal directory: {@link dev.strand.journal.tools.JournalVerify} (walk and check
 * everything; exit 0 ok, 1 corrupt, 2 usage) and {@link dev.strand.journal.tools.JournalDump} (one line per
 * event). Both read only; neither writes to the journal.
 */
package dev.strand.journal.tools;
