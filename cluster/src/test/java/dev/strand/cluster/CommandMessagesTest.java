package dev.strand.cluster;

import dev.strand.engine.api.Command;
import dev.strand.engine.api.InvalidCommandException;
import dev.strand.engine.core.CommandFactory;
import dev.strand.engine.core.ModuleRegistry;
import dev.strand.engine.ledger.LedgerCommands;
import dev.strand.engine.ledger.LedgerModule;
import dev.strand.engine.spi.MapFieldReader;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandMessagesTest
{
    private final ModuleRegistry registry = new ModuleRegistry(List.of(new LedgerModule()));
    private final CommandFactory ingress = new CommandFactory(registry, () -> 1_700_000_000_000_000L);
    private final CommandFactory member = new CommandFactory(registry, () ->
    {
        throw new AssertionError("a member must not stamp time");
    });

    @Test
    void shouldBuildTheSameCommandOnAMemberFromTheRecordedReads()
    {
        final CommandMessages.Encoder encoder = new CommandMessages.Encoder(CommandMessages.ATOMIC_BATCH);
        final Command open = encoder.add(ingress, "c-1", "OpenAccount", "acc-1", -1, "corr",
            new MapFieldReader(Map.of("owner", "Zoë")));
        final Command deposit = encoder.add(ingress, null, "Deposit", "acc-1", Command.ANY_VERSION, null,
            new MapFieldReader(Map.of("amount", 250L)));
        final UnsafeBuffer message = new UnsafeBuffer(encoder.toBytes());
        CommandMessages.correlationId(message, 0, 42);

        final CommandMessages.Decoder decoder = new CommandMessages.Decoder(member).wrap(message, 0, message.capacity());
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
    void shouldRefuseAnInvalidCommandAtIngressAndLeaveTheMessageAsItWas()
    {
        final CommandMessages.Encoder encoder = new CommandMessages.Encoder(CommandMessages.BATCH);
        encoder.add(ingress, "c-1", "Deposit", "acc-1", Command.ANY_VERSION, null, new MapFieldReader(Map.of("amount", 5L)));
        final byte[] before = encoder.toBytes();
        assertThatThrownBy(() -> encoder.add(ingress, "c-2", "Deposit", "acc-1", Command.ANY_VERSION, null,
            new MapFieldReader(Map.of("amount", -5L)))).isInstanceOf(InvalidCommandException.class);
        assertThat(encoder.toBytes()).isEqualTo(before);
    }

    @Test
    void shouldRefuseReadsThatDoNotMatchTheRecordedOnes()
    {
        final CommandMessages.Encoder encoder = new CommandMessages.Encoder(CommandMessages.SINGLE);
        encoder.add(ingress, "c-1", "Deposit", "acc-1", Command.ANY_VERSION, null, new MapFieldReader(Map.of("amount", 5L)));
        final UnsafeBuffer message = new UnsafeBuffer(encoder.toBytes());
        // the type name is the second string after the fixed fields: make it a different, registered type
        final byte[] bytes = message.byteArray();
        final String wire = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        final int at = wire.indexOf("Deposit");
        final byte[] changed = wire.replace("Deposit", "Withdraw").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        new UnsafeBuffer(changed).putInt(at - 4, "Withdraw".length(), WireBuffers.ORDER);
        final UnsafeBuffer tampered = new UnsafeBuffer(changed);
        assertThatThrownBy(() -> new CommandMessages.Decoder(member).wrap(tampered, 0, tampered.capacity()).next())
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("decodes differently");
    }

    @Test
    void shouldCarryEachCommandsTraceparentAfterItsReads()
    {
        final String tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        final Command traced = wireCommand("c-1", "acc-1", 5).withTraceparent(tp);
        final Command plain = wireCommand("c-2", "acc-2", 6);
        final UnsafeBuffer message = new UnsafeBuffer(CommandMessages.message(CommandMessages.BATCH, List.of(traced, plain)));
        assertThat(message.getByte(0)).isEqualTo(CommandMessages.VERSION).isEqualTo((byte)2);
        final CommandMessages.Decoder decoder = new CommandMessages.Decoder(member).wrap(message, 0, message.capacity());
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

        final byte[] bad = CommandMessages.message(CommandMessages.SINGLE,
            List.of(wireCommand("c-3", "acc-3", 1).withTraceparent(tp)));
        final int at = bad.length - tp.length();
        bad[at] = 'f';
        bad[at + 1] = 'f';
        assertThatThrownBy(() -> new CommandMessages.Decoder(member).wrap(new UnsafeBuffer(bad), 0, bad.length).next())
            .isInstanceOf(WireBuffers.MalformedMessageException.class).hasMessageContaining("traceparent");
    }

    @Test
    void shouldReadAVersion1MessageWithoutTraceparents()
    {
        final Command first = wireCommand("c-1", "acc-1", 5);
        final Command second = wireCommand("c-2", "acc-2", 6);
        final byte[] form1 = (byte[])first.wireForm();
        final byte[] form2 = (byte[])second.wireForm();
        // a version-1 message is the header and the commands' forms, nothing after each
        final byte[] v1 = new byte[CommandMessages.HEADER_LENGTH + form1.length + form2.length];
        final UnsafeBuffer buffer = new UnsafeBuffer(v1);
        buffer.putByte(CommandMessages.VERSION_OFFSET, CommandMessages.VERSION_1);
        buffer.putByte(CommandMessages.KIND_OFFSET, CommandMessages.BATCH);
        buffer.putInt(CommandMessages.COUNT_OFFSET, 2, WireBuffers.ORDER);
        buffer.putBytes(CommandMessages.HEADER_LENGTH, form1);
        buffer.putBytes(CommandMessages.HEADER_LENGTH + form1.length, form2);
        final CommandMessages.Decoder decoder = new CommandMessages.Decoder(member).wrap(buffer, 0, v1.length);
        assertSame(first, decoder.next());
        final Command secondAgain = decoder.next();
        assertSame(second, secondAgain);
        assertThat(secondAgain.traceparent()).isNull();
    }

    private Command wireCommand(final String id, final String account, final long amount)
    {
        final CommandMessages.Encoder encoder = new CommandMessages.Encoder(CommandMessages.SINGLE);
        final Command command = encoder.add(ingress, id, "Deposit", account, Command.ANY_VERSION, null,
            new MapFieldReader(Map.of("amount", amount)));
        return command.withWireForm(encoder.lastCommandBytes());
    }

    @Test
    void shouldRefuseAnUnknownVersion()
    {
        final byte[] bytes = new byte[CommandMessages.HEADER_LENGTH];
        bytes[0] = 9;
        assertThatThrownBy(() -> new CommandMessages.Decoder(member).wrap(new UnsafeBuffer(bytes), 0, bytes.length))
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
