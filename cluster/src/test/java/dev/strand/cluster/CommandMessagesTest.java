package dev.strand.cluster;

import dev.strand.engine.api.Command;
import dev.strand.engine.api.InvalidCommandException;
import dev.strand.engine.api.ResultCodes;
import dev.strand.engine.core.CommandFactory;
import dev.strand.engine.core.ModuleRegistry;
import dev.strand.engine.ledger.LedgerCommands;
import dev.strand.engine.ledger.LedgerModule;
import dev.strand.engine.spi.MapFieldReader;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandMessagesTest
{
    private final ModuleRegistry registry = new ModuleRegistry(List.of(new LedgerModule(), new ParcelModule()));
    private final CommandFactory ingress = new CommandFactory(registry, () -> 1_700_000_000_000_000L);
    private final CommandFactory member = new CommandFactory(registry, () ->
    {
        throw new AssertionError("a member must not stamp time");
    });

    @Test
    void shouldBuildTheSameCommandOnAMemberFromTheRecordedReads()
    {
        final CommandMessages.Encoder encoder = new CommandMessages.Encoder(CommandMessages.ATOMIC_BATCH);
        final Command open = encoder.add(ingress, "c-1", null, "OpenAccount", "acc-1", -1, "corr",
            new MapFieldReader(Map.of("owner", "Zoë")));
        final Command deposit = encoder.add(ingress, null, "account", "Deposit", "acc-1", Command.ANY_VERSION, null,
            new MapFieldReader(Map.of("amount", 250L)));
        final UnsafeBuffer message = new UnsafeBuffer(encoder.toBytes());
        CommandMessages.correlationId(message, 0, 42);

        final CommandMessageDecoder decoder = new CommandMessageDecoder(member).wrap(message, 0, message.capacity());
        assertThat(decoder.kind()).isEqualTo(CommandMessages.ATOMIC_BATCH);
        assertThat(decoder.count()).isEqualTo(2);
        assertThat(decoder.correlationId()).isEqualTo(42);
        final Command openAgain = decoder.next();
        final Command depositAgain = decoder.next();

        assertSame(open, openAgain);
        assertSame(deposit, depositAgain);
        assertThat(deposit.commandId()).as("an id is given at ingress").isNotNull();
        assertThat(openAgain.payload()).isEqualTo(open.payload());
        assertThat(((LedgerCommands.Deposit)depositAgain.payload()).amount()).isEqualTo(250L);
    }

    @Test
    void shouldCarryAStructuredCommandThroughItsRecordedReads()
    {
        final Map<String, Object> data = new LinkedHashMap<>();
        data.put("items", List.of(Map.of("sku", "a-1", "count", 2, "weight", "1.250"),
            Map.of("sku", "b-2", "count", 1, "weight", "0.5")));
        data.put("labels", Map.of("zone", "north", "dock", "7"));
        data.put("stops", Map.of("s-2", Map.of("street", "Elm 2", "lines", List.of()),
            "s-1", Map.of("street", "Oak 1", "city", "Brno", "lines", List.of("ring twice", "gate 3"))));
        data.put("note", "handle with care");
        data.put("due", "2026-11-22T10:15:30.123456789Z");
        data.put("declaredValue", "-12.50");
        data.put("priority", "HIGH");
        data.put("boxes", 3);
        data.put("fragile", true);
        data.put("ref", null);
        data.put("address", Map.of("street", "Main 1", "lines", List.of("c/o Zoë")));
        final CommandMessages.Encoder encoder = new CommandMessages.Encoder(CommandMessages.SINGLE);
        final Command ship = encoder.add(ingress, "p-1", null, "Ship", "parcel-1", Command.ANY_VERSION, null,
            new MapFieldReader(data));
        final UnsafeBuffer message = new UnsafeBuffer(encoder.toBytes());
        assertThat(message.getByte(0)).as("structured reads: version 3").isEqualTo(CommandMessages.VERSION);

        final Command again = new CommandMessageDecoder(member).wrap(message, 0, message.capacity()).next();
        assertSame(ship, again);
        assertThat(again.payload()).isEqualTo(ship.payload());
        final ParcelModule.Ship rebuilt = (ParcelModule.Ship)again.payload();
        assertThat(rebuilt.items()).containsExactly(new ParcelModule.Item("a-1", 2, new BigDecimal("1.250")),
            new ParcelModule.Item("b-2", 1, new BigDecimal("0.5")));
        assertThat(rebuilt.stops().keySet()).as("map keys in sorted order").containsExactly("s-1", "s-2");
        assertThat(rebuilt.note()).contains("handle with care");
        assertThat(rebuilt.due()).isEqualTo(Instant.parse("2026-11-22T10:15:30.123456789Z"));
        assertThat(rebuilt.declaredValue()).isEqualTo(new BigDecimal("-12.50"));
        assertThat(rebuilt.ref()).isNull();

        final Map<String, Object> sparse = new LinkedHashMap<>(data);
        sparse.remove("note");
        sparse.remove("due");
        final Command less = ingress.newCommand("p-2", null, "Ship", "parcel-1", Command.ANY_VERSION, null,
            new MapFieldReader(sparse), null);
        assertThat(((ParcelModule.Ship)less.payload()).note()).isEqualTo(Optional.empty());
        assertThat(less.fingerprint()).as("absent optional fields change the fingerprint").isNotEqualTo(ship.fingerprint());
    }

    @Test
    void shouldReadAVersion1MessageOfTheReleaseBefore() throws Exception
    {
        final byte[] bytes;
        try (var in = getClass().getResourceAsStream("/fixtures/command-message-v1.bin"))
        {
            bytes = in.readAllBytes();
        }
        final UnsafeBuffer message = new UnsafeBuffer(bytes);
        final CommandMessageDecoder decoder = new CommandMessageDecoder(member).wrap(message, 0, bytes.length);
        assertThat(decoder.count()).isEqualTo(3);
        final Command open = decoder.next();
        final Command deposit = decoder.next();
        final Command transfer = decoder.next();
        assertThat(open.payload()).isEqualTo(new LedgerCommands.OpenAccount("Zoë", "EUR", 0L));
        assertThat(open.fingerprint()).as("the version-1 fingerprint it travelled with").isEqualTo(0x292c81e372130638L);
        assertThat(open.correlationId()).isEqualTo("corr");
        assertThat(deposit.payload()).isEqualTo(new LedgerCommands.Deposit(250));
        assertThat(transfer.payload()).isEqualTo(new LedgerCommands.Transfer("acc-2", 7));
        assertThat(transfer.expectedVersion()).isEqualTo(2);
        assertThat(transfer.timestampMicros()).isEqualTo(1_700_000_000_000_000L);

        // the derived decoders fold what the hand-written ones did: journaled fingerprints still tell repeats
        assertThat(ingress.newCommand("c-1", null, "OpenAccount", "acc-1", -1, "corr",
            new MapFieldReader(Map.of("owner", "Zoë")), null).fingerprint()).isEqualTo(0x292c81e372130638L);
        assertThat(ingress.newCommand("c-2", null, "Deposit", "acc-1", Command.ANY_VERSION, null,
            new MapFieldReader(Map.of("amount", 250L)), null).fingerprint()).isEqualTo(0x934a3971667c6c63L);
    }

    @Test
    void shouldRefuseAnInvalidCommandAtIngressAndLeaveTheMessageAsItWas()
    {
        final CommandMessages.Encoder encoder = new CommandMessages.Encoder(CommandMessages.BATCH);
        encoder.add(ingress, "c-1", null, "Deposit", "acc-1", Command.ANY_VERSION, null,
            new MapFieldReader(Map.of("amount", 5L)));
        final byte[] before = encoder.toBytes();
        assertThatThrownBy(() -> encoder.add(ingress, "c-2", null, "Deposit", "acc-1", Command.ANY_VERSION, null,
            new MapFieldReader(Map.of("amount", -5L)))).isInstanceOf(InvalidCommandException.class);
        assertThatThrownBy(() -> encoder.add(ingress, "c-3", "parcel", "Deposit", "acc-1", Command.ANY_VERSION, null,
            new MapFieldReader(Map.of("amount", 5L)))).isInstanceOfSatisfying(InvalidCommandException.class,
                ex -> assertThat(ex.rejection().code()).isEqualTo(ResultCodes.UNKNOWN_COMMAND_TYPE));
        assertThat(encoder.toBytes()).isEqualTo(before);
    }

    @Test
    void shouldRefuseReadsThatDoNotMatchTheRecordedOnes()
    {
        final CommandMessages.Encoder encoder = new CommandMessages.Encoder(CommandMessages.SINGLE);
        encoder.add(ingress, "c-1", null, "Deposit", "acc-1", Command.ANY_VERSION, null,
            new MapFieldReader(Map.of("amount", 5L)));
        final UnsafeBuffer message = new UnsafeBuffer(encoder.toBytes());
        // the type name is the third string after the fixed fields: make it a different, registered type
        final byte[] bytes = message.byteArray();
        final String wire = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        final int at = wire.indexOf("Deposit");
        final byte[] changed = wire.replace("Deposit", "Withdraw").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        new UnsafeBuffer(changed).putInt(at - 4, "Withdraw".length(), WireBuffers.ORDER);
        final UnsafeBuffer tampered = new UnsafeBuffer(changed);
        assertThatThrownBy(() -> new CommandMessageDecoder(member).wrap(tampered, 0, tampered.capacity()).next())
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("decodes differently");
    }

    @Test
    void shouldCarryEachCommandsTraceparentAfterItsReads()
    {
        final String tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        final Command traced = wireCommand("c-1", "acc-1", 5).withTraceparent(tp);
        final Command plain = wireCommand("c-2", "acc-2", 6);
        final UnsafeBuffer message = new UnsafeBuffer(CommandMessages.message(CommandMessages.BATCH, List.of(traced, plain)));
        assertThat(message.getByte(0)).as("ledger commands with a traceparent: version 2, which the release with trace "
            + "contexts reads").isEqualTo(CommandMessages.VERSION_2);
        final CommandMessageDecoder decoder = new CommandMessageDecoder(member).wrap(message, 0, message.capacity());
        final Command tracedAgain = decoder.next();
        final Command plainAgain = decoder.next();
        assertSame(traced, tracedAgain);
        assertSame(plain, plainAgain);
        assertThat(tracedAgain.traceparent()).isEqualTo(tp);
        assertThat(plainAgain.traceparent()).isNull();
        assertThat(((LedgerCommands.Deposit)plainAgain.payload()).amount()).isEqualTo(6L);
        final byte[] untraced = CommandMessages.message(CommandMessages.BATCH, List.of(plain, wireCommand("c-4", "a", 1)));
        assertThat(untraced[0]).as("without a traceparent: version 1, which older members read")
            .isEqualTo(CommandMessages.VERSION_1);
        assertThat(encoderBytes()[0]).isEqualTo(CommandMessages.VERSION_1);

        final byte[] bad = CommandMessages.message(CommandMessages.SINGLE,
            List.of(wireCommand("c-3", "acc-3", 1).withTraceparent(tp)));
        final int at = bad.length - tp.length();
        bad[at] = 'f';
        bad[at + 1] = 'f';
        assertThatThrownBy(() -> new CommandMessageDecoder(member).wrap(new UnsafeBuffer(bad), 0, bad.length).next())
            .isInstanceOf(WireBuffers.MalformedMessageException.class).hasMessageContaining("traceparent");
    }

    @Test
    void shouldReadAVersion2MessageOfTheReleaseWithTraceContexts() throws Exception
    {
        // version 2 is version 1's layout with each command's traceparent after its reads: the stored version-1
        // message with a traceparent put after the second command's reads and a null one after the others'
        final String tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        final byte[] v1;
        try (var in = getClass().getResourceAsStream("/fixtures/command-message-v1.bin"))
        {
            v1 = in.readAllBytes();
        }
        final UnsafeBuffer source = new UnsafeBuffer(v1);
        final int count = source.getInt(CommandMessages.COUNT_OFFSET, WireBuffers.ORDER);
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(v1, 0, CommandMessages.HEADER_LENGTH);
        int at = CommandMessages.HEADER_LENGTH;
        for (int i = 0; i < count; i++)
        {
            final int start = at;
            at += 3 * Long.BYTES;
            for (int s = 0; s < 4; s++)
            {
                at += WireBuffers.stringSize(source, at, v1.length);
            }
            final int reads = source.getInt(at, WireBuffers.ORDER);
            at += Integer.BYTES;
            for (int r = 0; r < reads; r++)
            {
                final byte kind = source.getByte(at);
                at += 1 + WireBuffers.stringSize(source, at + 1, v1.length);
                at += kind == CommandMessages.READ_LONG ? Long.BYTES :
                    kind == CommandMessages.READ_BOOLEAN ? 1 : WireBuffers.stringSize(source, at, v1.length);
            }
            out.write(v1, start, at - start);
            final byte[] traceparent = new byte[Integer.BYTES + (i == 1 ? tp.length() : 0)];
            final int written = WireBuffers.putString(new UnsafeBuffer(traceparent), 0, i == 1 ? tp : null);
            assertThat(written).isEqualTo(traceparent.length);
            out.write(traceparent);
        }
        assertThat(at).isEqualTo(v1.length);
        final byte[] v2 = out.toByteArray();
        v2[CommandMessages.VERSION_OFFSET] = CommandMessages.VERSION_2;

        final CommandMessageDecoder decoder = new CommandMessageDecoder(member).wrap(new UnsafeBuffer(v2), 0, v2.length);
        final Command open = decoder.next();
        final Command deposit = decoder.next();
        final Command transfer = decoder.next();
        assertThat(open.payload()).isEqualTo(new LedgerCommands.OpenAccount("Zoë", "EUR", 0L));
        assertThat(open.fingerprint()).as("the version-1 fingerprint it travelled with").isEqualTo(0x292c81e372130638L);
        assertThat(open.traceparent()).isNull();
        assertThat(deposit.payload()).isEqualTo(new LedgerCommands.Deposit(250));
        assertThat(deposit.traceparent()).isEqualTo(tp);
        assertThat(transfer.payload()).isEqualTo(new LedgerCommands.Transfer("acc-2", 7));
        assertThat(transfer.traceparent()).isNull();
    }

    @Test
    void shouldWriteTheLowestVersionThatHoldsTheMessage()
    {
        final String tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        final CommandMessages.Encoder opening = new CommandMessages.Encoder(CommandMessages.SINGLE);
        final Command open = opening.add(ingress, "o-1", "account", "OpenAccount", "acc-9", -1, "corr",
            new MapFieldReader(Map.of("owner", "Zoë")));
        final Command openForm = open.withWireForm(opening.lastCommandForm());
        for (final Command c : List.of(openForm, openForm.withTraceparent(tp)))
        {
            final byte[] bytes = CommandMessages.message(CommandMessages.SINGLE, List.of(c));
            assertThat(bytes[0]).isEqualTo(c.traceparent() == null ? CommandMessages.VERSION_1 : CommandMessages.VERSION_2);
            final Command again = new CommandMessageDecoder(member).wrap(new UnsafeBuffer(bytes), 0, bytes.length).next();
            assertSame(open, again);
            assertThat(again.payload()).as("defaults and presence as at ingress").isEqualTo(open.payload());
            assertThat(again.traceparent()).isEqualTo(c.traceparent());
        }

        final Map<String, Object> data = new LinkedHashMap<>();
        data.put("items", List.of(Map.of("sku", "a-1", "count", 2, "weight", "1.250")));
        data.put("labels", Map.of("zone", "north"));
        data.put("stops", Map.of("s-1", Map.of("street", "Oak 1", "lines", List.of())));
        data.put("priority", "HIGH");
        data.put("boxes", 3);
        data.put("fragile", true);
        data.put("declaredValue", "-12.50");
        data.put("ref", null);
        data.put("address", Map.of("street", "Main 1", "lines", List.of("c/o Zoë")));
        final CommandMessages.Encoder shipping = new CommandMessages.Encoder(CommandMessages.SINGLE);
        final Command ship = shipping.add(ingress, "s-1", null, "Ship", "parcel-1", Command.ANY_VERSION, null,
            new MapFieldReader(data));
        final Command traced = ship.withWireForm(shipping.lastCommandForm()).withTraceparent(tp);
        final byte[] mixed = CommandMessages.message(CommandMessages.BATCH, List.of(openForm, traced));
        assertThat(mixed[0]).as("one structured command makes the message version 3").isEqualTo(CommandMessages.VERSION);
        final CommandMessageDecoder decoder = new CommandMessageDecoder(member).wrap(new UnsafeBuffer(mixed), 0,
            mixed.length);
        assertSame(open, decoder.next());
        final Command shipAgain = decoder.next();
        assertSame(ship, shipAgain);
        assertThat(shipAgain.traceparent()).isEqualTo(tp);
    }

    private byte[] encoderBytes()
    {
        final CommandMessages.Encoder encoder = new CommandMessages.Encoder(CommandMessages.BATCH);
        encoder.add(ingress, "e-1", null, "Deposit", "acc-1", Command.ANY_VERSION, null,
            new MapFieldReader(Map.of("amount", 1L)));
        encoder.add(ingress, "e-2", null, "Deposit", "acc-2", Command.ANY_VERSION, null,
            new MapFieldReader(Map.of("amount", 2L)));
        final byte[] bytes = encoder.toBytes();
        final CommandMessageDecoder decoder = new CommandMessageDecoder(member).wrap(new UnsafeBuffer(bytes), 0,
            bytes.length);
        assertThat(decoder.next().traceparent()).isNull();
        assertThat(((LedgerCommands.Deposit)decoder.next().payload()).amount()).isEqualTo(2L);
        return bytes;
    }

    private Command wireCommand(final String id, final String account, final long amount)
    {
        final CommandMessages.Encoder encoder = new CommandMessages.Encoder(CommandMessages.SINGLE);
        final Command command = encoder.add(ingress, id, null, "Deposit", account, Command.ANY_VERSION, null,
            new MapFieldReader(Map.of("amount", amount)));
        return command.withWireForm(encoder.lastCommandForm());
    }

    @Test
    void shouldRefuseAnUnknownVersion()
    {
        final byte[] bytes = new byte[CommandMessages.HEADER_LENGTH];
        bytes[0] = 9;
        assertThatThrownBy(() -> new CommandMessageDecoder(member).wrap(new UnsafeBuffer(bytes), 0, bytes.length))
            .isInstanceOf(WireBuffers.MalformedMessageException.class).hasMessageContaining("version 9");
    }

    private static void assertSame(final Command expected, final Command actual)
    {
        assertThat(actual.commandId()).isEqualTo(expected.commandId());
        assertThat(actual.type()).isSameAs(expected.type());
        assertThat(actual.aggregateId()).isEqualTo(expected.aggregateId());
        assertThat(actual.expectedVersion()).isEqualTo(expected.expectedVersion());
        assertThat(actual.correlationId()).isEqualTo(expected.correlationId());
        assertThat(actual.timestampMicros()).isEqualTo(expected.timestampMicros());
        assertThat(actual.fingerprint()).isEqualTo(expected.fingerprint()).isNotZero();
    }
}
