package dev.strand.fault;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Journals damaged while the server is stopped, as a crash mid-write or a bad disk leaves them.
 *
 * <p>Tail damage (the last record torn: truncated mid-record, zeroed, overwritten with random bytes): the server
 * starts, drops exactly that record and keeps every record before it, serves state equal to the replay of what is
 * left (its shutdown snapshot, which saw the dropped record, is refused as ahead of the journal), and keeps going:
 * new commands after the drop, another restart, and {@code JournalVerify} calls the journal sound.
 *
 * <p>Middle damage (a flipped bit in a record with valid records after it, a lost write, or a payload byte edited
 * with its CRC32C fixed so that only the hash chain tells): the server refuses to start with a non-zero exit and one
 * line naming the cycle file and the position; {@code JournalVerify} reports the same and exits 1.
 */
class JournalDamageIT
{
    private static final String ACCOUNT = "dmg-1";
    private static final int RECORDS = 60;

    enum TailDamage
    {
        TRUNCATED_MID_RECORD, ZEROED_TAIL, RANDOM_BYTES_IN_TAIL
    }

    /** Damage no process crash leaves: the server must refuse to start, naming file and position. */
    enum MiddleDamage
    {
        /** A flipped bit in a record with valid records after it. */
        FLIPPED_BIT_IN_MIDDLE,
        /** The 4-byte Chronicle header of a middle record zeroed (a lost write): reading would stop there. */
        ZEROED_HEADER_IN_MIDDLE,
        /** The whole last record zeroed, header included (a lost write Chronicle had already recorded). */
        ZEROED_WHOLE_LAST_RECORD,
        /** One payload byte of a middle commit changed and its CRC32C recomputed: an edit, found by the hash chain. */
        PAYLOAD_EDITED_CRC_FIXED
    }

    private static final String MIDDLE_ID = "MID-" + UUID.randomUUID();
    private static final String TAIL_ID = "TAIL-" + UUID.randomUUID();
    private static Path base;
    private static LedgerLoad baseLoad;

    /**
     * Built once and copied for each case: {@link #RECORDS} single-event commits on one account, the one at
     * {@code RECORDS / 2} and the last carrying known commandIds, then a clean stop (which writes a snapshot at the end).
     */
    @BeforeAll
    static void writeBase()
    {
        final Path work = Work.fresh("damage-base");
        base = work.resolve("data");
        baseLoad = new LedgerLoad(0, 1);
        try (StrandProcess server = StrandProcess.builder(base).log(work.resolve("server.log")).start())
        {
            final Http http = server.http();
            baseLoad.send(http, Http.open(ACCOUNT));
            for (int i = 2; i <= RECORDS; i++)
            {
                final JsonObject deposit = Http.deposit(ACCOUNT, i);
                if (i == RECORDS / 2)
                {
                    deposit.put("commandId", MIDDLE_ID);
                }
                if (i == RECORDS)
                {
                    deposit.put("commandId", TAIL_ID);
                }
                baseLoad.send(http, deposit);
            }
            assertThat(server.stop()).isZero();
        }
        assertThat(baseLoad.acked).hasSize(RECORDS);
        assertThat(baseLoad.acked.get(MIDDLE_ID).position()).isEqualTo(RECORDS / 2);
        assertThat(baseLoad.acked.get(TAIL_ID).position()).isEqualTo(RECORDS);
    }

    @AfterAll
    static void deleteBase()
    {
        if (base != null)
        {
            Work.delete(base.getParent());
        }
    }

    /** A fresh copy of the base data directory and of what was acknowledged in it. */
    private static LedgerLoad copyBase(final Path data)
    {
        Work.copy(base, data);
        final LedgerLoad load = new LedgerLoad(0, 1);
        load.acked.putAll(baseLoad.acked);
        return load;
    }

    @ParameterizedTest
    @EnumSource(TailDamage.class)
    @Timeout(180)
    void shouldStartDropOnlyTheTornLastRecordAndKeepGoing(final TailDamage damage)
    {
        final Path work = Work.fresh("damage-" + damage);
        final Path data = work.resolve("data");
        final Path journal = data.resolve("journal");
        final String markerId = TAIL_ID;
        final LedgerLoad load = copyBase(data);

        final CycleFiles.Hit hit = CycleFiles.find(journal, markerId);
        final long excerpt = CycleFiles.excerptStart(hit, "account", ACCOUNT, "Deposited");
        final int length = CycleFiles.excerptLength(hit.file(), excerpt);
        switch (damage)
        {
            case TRUNCATED_MID_RECORD -> CycleFiles.truncate(hit.file(), hit.offset() + 5);
            case ZEROED_TAIL -> CycleFiles.zero(hit.file(), hit.offset(), (int)(excerpt + 4 + length - hit.offset()));
            case RANDOM_BYTES_IN_TAIL -> CycleFiles.random(hit.file(), hit.offset(), 512, 42);
            default -> throw new IllegalStateException();
        }
        final CycleFiles.Verify before = CycleFiles.verify(journal);
        assertThat(before.exitCode()).as("JournalVerify on a torn tail:\n%s", before.output()).isZero();

        load.acked.remove(markerId);
        final LedgerAudit audit = new LedgerAudit();
        try (StrandProcess server = StrandProcess.builder(data).log(work.resolve("server-1.log")).start())
        {
            final Http http = server.http();
            audit.read(http).checkAgainst(load).checkReadSide(http, java.util.List.of(ACCOUNT));
            assertThat(audit.size()).as("events left after dropping the torn last record").isEqualTo(RECORDS - 1);
            assertThat(audit.lastPositionOf(markerId)).isNull();
            assertThat(server.log()).contains("ahead of the journal").contains("dropping torn-tail record");
            for (int i = 0; i < 20; i++)
            {
                load.send(http, Http.deposit(ACCOUNT, 1000 + i));
            }
            assertThat(load.unknown).isEmpty();
            audit.read(http).checkAgainst(load);
            server.kill9();
        }
        try (StrandProcess server = StrandProcess.builder(data).log(work.resolve("server-2.log")).start())
        {
            audit.full(server.http()).checkAgainst(load).checkReadSide(server.http(), java.util.List.of(ACCOUNT));
            assertThat(audit.size()).isEqualTo(RECORDS - 1 + 20);
            assertThat(server.stop()).isZero();
        }
        final CycleFiles.Verify after = CycleFiles.verify(journal);
        assertThat(after.exitCode()).as("JournalVerify after the restarts:\n%s", after.output()).isZero();
        Work.figures("damage " + damage, "server started, dropped 1 torn record (never-acknowledged in a real crash), " +
            "kept " + (RECORDS - 1) + " of " + RECORDS + ", 20 more commands and a kill -9 later JournalVerify exit 0");
        Work.delete(work);
    }

    @ParameterizedTest
    @EnumSource(MiddleDamage.class)
    @Timeout(180)
    void shouldRefuseToStartAndNameFileAndPosition(final MiddleDamage damage)
    {
        final Path work = Work.fresh("damage-" + damage);
        final Path data = work.resolve("data");
        final Path journal = data.resolve("journal");
        final String markerId = damage == MiddleDamage.ZEROED_WHOLE_LAST_RECORD ? TAIL_ID : MIDDLE_ID;
        final LedgerLoad load = copyBase(data);
        final long markerPosition = load.acked.get(markerId).position();

        final CycleFiles.Hit hit = CycleFiles.find(journal, markerId);
        final long excerpt = CycleFiles.excerptStart(hit, "account", ACCOUNT, "Deposited");
        switch (damage)
        {
            case FLIPPED_BIT_IN_MIDDLE -> CycleFiles.flipBit(hit.file(), hit.offset() + 7, 2);
            case ZEROED_HEADER_IN_MIDDLE -> CycleFiles.zero(hit.file(), excerpt, 4);
            case ZEROED_WHOLE_LAST_RECORD -> CycleFiles.zero(hit.file(), excerpt, 4 + CycleFiles.excerptLength(hit.file(), excerpt));
            case PAYLOAD_EDITED_CRC_FIXED -> CycleFiles.editPayloadKeepingCrc(hit.file(), excerpt);
            default -> throw new IllegalStateException();
        }

        final StrandProcess refused = StrandProcess.builder(data).log(work.resolve("server-1.log")).launch();
        final int exit = refused.awaitExit(Duration.ofSeconds(90));
        final String log = refused.log();
        assertThat(exit).as("exit status of a server on a corrupt journal:\n%s", log).isNotZero();
        assertThat(log).contains("journal corrupted at position " + markerPosition + " in file " +
            hit.file().toAbsolutePath());
        assertThat(log).doesNotContain("listening on");
        assertThat(log.lines().filter(l -> l.startsWith("strand: "))).as("the one line saying why:\n%s", log)
            .singleElement().asString().startsWith("strand: journal corrupted at position " + markerPosition);
        assertThat(log).as("no stack trace").doesNotContain("\tat ");

        final CycleFiles.Verify verify = CycleFiles.verify(journal);
        assertThat(verify.exitCode()).as("JournalVerify on corruption:\n%s", verify.output()).isEqualTo(1);
        assertThat(verify.output()).contains(hit.file().getFileName().toString())
            .contains("position " + markerPosition);
        if (damage == MiddleDamage.PAYLOAD_EDITED_CRC_FIXED)
        {
            assertThat(log).contains("hash chain broken at commit " + markerPosition + ".." + markerPosition);
            assertThat(verify.output()).contains("status           CORRUPT")
                .contains("hash chain broken at commit " + markerPosition + ".." + markerPosition)
                .contains("though its CRC32C is valid");
        }
        Work.figures("damage " + damage, "server refused to start (exit " + exit + ") naming " +
            hit.file().getFileName() + " position " + markerPosition + "; JournalVerify exit 1 with the same");
        Work.delete(work);
    }
}
