package dev.strand.cluster;

import dev.strand.engine.api.Command;
import dev.strand.engine.core.CommandFactory;
import dev.strand.engine.core.RecordingFieldReader;
import dev.strand.engine.spi.FieldReader;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.strand.cluster.WireBuffers.ORDER;

/**
 * How commands travel in the cluster log: one message per command or per batch (atomic or not), deterministic and
 * versioned. No second data format: a command's data travels as the reads its module's decoder made at ingress (name,
 * kind, value, in order, structure included), and every member builds the payload again by running the same decoder
 * over those reads ({@link CommandFactory#rebuild}); the fingerprint folded at ingress must come out equal.
 *
 * <pre>
 * message:  version u8 (2) | kind u8 (1 single, 2 batch, 3 atomic batch) | reserved u16 | count i32 |
 *           correlationId i64 (the client's, echoed in the reply) | command * count
 * command:  timestampMicros i64 | expectedVersion i64 | fingerprint i64 | commandId str | aggregateType str |
 *           type str | aggregateId str | correlationId str | readCount i32 | read * readCount | traceparent str
 * read:     kind u8 | name str (null for a list element and the end of a structure; the key, for a map key) | value
 *           1 long: i64          2 string: str        3 boolean: u8        4 int: i32
 *           5 decimal: scale i32 | unscaled two's-complement big-endian bytes as length i32 + bytes
 *           6 instant: epoch seconds i64 | nanoseconds i32
 *           7 presence: u8 (1: the value's read follows)
 *           8 begin object, 9 end object: nothing    10 begin list: size i32, 11 end list: nothing
 *           12 begin map: size i32, 13 map key: nothing (the name is the key), 14 end map: nothing
 * str:      length i32 (-1 = null) | UTF-8 bytes;   all integers little-endian
 * </pre>
 *
 * The traceparent (W3C, version 00, or null) travels last, so that every member journals it with the command's
 * events; a command's wire form ({@link Command#wireForm}) stops before it, since the gateway attaches the trace context
 * after the command is built ({@link Command#withTraceparent}), and {@link #message} writes it.
 *
 * A message is written in the lowest version that holds it, so that members of the releases before read what they can
 * during a rolling upgrade: version 1 when no command has a traceparent, version 2 when some have, as long as every
 * command's type is found by its name alone (no other aggregate type has that name) and its reads are of kinds 1 to 3
 * and presence (which versions 1 and 2 leave out); version 3 otherwise.
 *
 * Versions 1 and 2 (the releases before aggregate types and structured data travelled) are still read, so a log
 * archived by them replays: their commands have no {@code aggregateType} (the type is resolved by its name alone),
 * their reads only kinds 1 to 3 and no presence reads (an optional value is present when its read was recorded); the
 * fingerprint is folded the same way in all three. Version 2 is version 1 with each
 * command's traceparent after its reads (as in version 3); version 1 has none.
 */
final class CommandMessages
{
    /** The version this build writes: aggregate types, structured reads and traceparents. */
    static final byte VERSION = 3;
    /** The release with trace contexts before aggregate types: version 1's layout, a traceparent after the reads. */
    static final byte VERSION_2 = 2;
    /** The release before trace contexts and aggregate types. */
    static final byte VERSION_1 = 1;
    static final byte SINGLE = 1;
    static final byte BATCH = 2;
    static final byte ATOMIC_BATCH = 3;

    static final int VERSION_OFFSET = 0;
    static final int KIND_OFFSET = 1;
    static final int COUNT_OFFSET = 4;
    static final int CORRELATION_OFFSET = 8;
    static final int HEADER_LENGTH = 16;

    static final byte READ_LONG = 1;
    static final byte READ_STRING = 2;
    static final byte READ_BOOLEAN = 3;
    static final byte READ_INT = 4;
    static final byte READ_DECIMAL = 5;
    static final byte READ_INSTANT = 6;
    static final byte READ_PRESENCE = 7;
    static final byte BEGIN_OBJECT = 8;
    static final byte END_OBJECT = 9;
    static final byte BEGIN_LIST = 10;
    static final byte END_LIST = 11;
    static final byte BEGIN_MAP = 12;
    static final byte MAP_KEY = 13;
    static final byte END_MAP = 14;

    static final int FIXED_COMMAND_FIELDS = 3 * Long.BYTES;

    /**
     * A command's encoded form as ingress built it ({@link Command#wireForm}): in version 3's layout, and in the layout of
     * versions 1 and 2 when that holds it (else null). Neither has the traceparent, which {@link #message} puts after it.
     */
    record WireForm(byte[] form, byte[] legacy)
    {
    }

    private CommandMessages()
    {
    }

    /**
     * Builds one message at ingress (any thread; one encoder per message): each {@link #add} decodes a command with the
     * module's decoder, checking it exactly as the single node does, and records its reads into the message.
     */
    static final class Encoder implements RecordingFieldReader.Sink
    {
        private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
        private final List<Command> commands = new ArrayList<>(1);
        private final byte kind;
        private int offset = HEADER_LENGTH;
        private int readCount;
        private int lastStart = HEADER_LENGTH;
        /** Where each command added ends in {@link #buffer} (its traceparent is put after it in {@link #toBytes}). */
        private int[] ends = new int[1];
        /** Each command's form in the layout of versions 1 and 2, or null when that does not hold it. */
        private final List<byte[]> legacyForms = new ArrayList<>(1);

        Encoder(final byte kind)
        {
            this.kind = kind;
        }

        /**
         * @return the command as built at ingress (its id given if absent, its time stamped).
         * @throws dev.strand.engine.api.InvalidCommandException as {@link CommandFactory#newCommand} does; the
         *                                                       message is then unchanged.
         */
        Command add(final CommandFactory factory, final String commandId, final String aggregateType, final String type,
            final String aggregateId, final long expectedVersion, final String correlationId, final FieldReader data)
        {
            if (kind == SINGLE && !commands.isEmpty())
            {
                throw new IllegalStateException("a single-command message holds one command");
            }
            // The gateway always has a command id: one is given here when the client sent none, so retries of the
            // same message across a leader change stay idempotent.
            final String id = commandId != null ? commandId : java.util.UUID.randomUUID().toString();
            final int start = offset;
            lastStart = start;
            final int readsAt = start + FIXED_COMMAND_FIELDS;
            // The type is resolved first: its aggregate type travels with the command, so every member resolves the same
            // command type whatever the envelope said. Reads are recorded while the decoder runs, after the envelope;
            // time and fingerprint are filled in after.
            final String resolvedAggregateType = factory.resolve(aggregateType, type).module().aggregateType();
            offset = WireBuffers.putString(buffer, readsAt, id);
            offset = WireBuffers.putString(buffer, offset, resolvedAggregateType);
            offset = WireBuffers.putString(buffer, offset, type);
            offset = WireBuffers.putString(buffer, offset, aggregateId);
            offset = WireBuffers.putString(buffer, offset, correlationId);
            final int readCountAt = offset;
            offset += Integer.BYTES;
            readCount = 0;
            final Command command;
            try
            {
                command = factory.newCommand(id, resolvedAggregateType, type, aggregateId, expectedVersion, correlationId,
                    data, this);
            }
            catch (final RuntimeException ex)
            {
                offset = start;
                throw ex;
            }
            buffer.putLong(start, command.timestampMicros(), ORDER);
            buffer.putLong(start + Long.BYTES, expectedVersion, ORDER);
            buffer.putLong(start + 2 * Long.BYTES, command.fingerprint(), ORDER);
            buffer.putInt(readCountAt, readCount, ORDER);
            if (commands.size() == ends.length)
            {
                ends = java.util.Arrays.copyOf(ends, 2 * ends.length);
            }
            ends[commands.size()] = offset;
            legacyForms.add(byNameAlone(factory, type, resolvedAggregateType) ? legacyForm(buffer, start, offset) : null);
            commands.add(command);
            return command;
        }

        /**
         * The encoded forms of the last command added, without its traceparent (which {@link #message} puts after it).
         */
        WireForm lastCommandForm()
        {
            final byte[] bytes = new byte[offset - lastStart];
            buffer.getBytes(lastStart, bytes);
            return new WireForm(bytes, legacyForms.get(legacyForms.size() - 1));
        }

        /** The commands added, in order. */
        List<Command> commands()
        {
            return commands;
        }

        /**
         * @return the finished message, its correlation id still 0 (the client sets it), in the lowest version that
         * holds it: the commands added here carry no traceparent, so version 1 when each has a legacy form, else
         * version 3 (a null traceparent after each command's reads).
         */
        byte[] toBytes()
        {
            final int count = commands.size();
            boolean legacy = true;
            int length = HEADER_LENGTH;
            for (final byte[] form : legacyForms)
            {
                legacy &= form != null;
                length += form == null ? 0 : form.length;
            }
            if (!legacy)
            {
                length = offset + count * Integer.BYTES;
            }
            final byte[] bytes = new byte[length];
            final UnsafeBuffer out = new UnsafeBuffer(bytes);
            out.putByte(VERSION_OFFSET, legacy ? VERSION_1 : VERSION);
            out.putByte(KIND_OFFSET, kind);
            out.putShort(KIND_OFFSET + 1, (short)0, ORDER);
            out.putInt(COUNT_OFFSET, count, ORDER);
            out.putLong(CORRELATION_OFFSET, 0, ORDER);
            int from = HEADER_LENGTH;
            int at = HEADER_LENGTH;
            for (int i = 0; i < count; i++)
            {
                final int end = ends[i];
                if (legacy)
                {
                    out.putBytes(at, legacyForms.get(i));
                    at += legacyForms.get(i).length;
                }
                else
                {
                    out.putBytes(at, buffer, from, end - from);
                    at += end - from;
                    at = WireBuffers.putString(out, at, null);
                }
                from = end;
            }
            return bytes;
        }

        @Override
        public void onLong(final String name, final long value)
        {
            offset = readHeader(READ_LONG, name);
            buffer.putLong(offset, value, ORDER);
            offset += Long.BYTES;
        }

        @Override
        public void onString(final String name, final String value)
        {
            offset = readHeader(READ_STRING, name);
            offset = WireBuffers.putString(buffer, offset, value);
        }

        @Override
        public void onBoolean(final String name, final boolean value)
        {
            offset = readHeader(READ_BOOLEAN, name);
            buffer.putByte(offset, value ? (byte)1 : (byte)0);
            offset += 1;
        }

        @Override
        public void onInt(final String name, final int value)
        {
            offset = readHeader(READ_INT, name);
            buffer.putInt(offset, value, ORDER);
            offset += Integer.BYTES;
        }

        @Override
        public void onDecimal(final String name, final BigDecimal value)
        {
            offset = readHeader(READ_DECIMAL, name);
            final byte[] unscaled = value.unscaledValue().toByteArray();
            buffer.putInt(offset, value.scale(), ORDER);
            buffer.putInt(offset + Integer.BYTES, unscaled.length, ORDER);
            buffer.putBytes(offset + 2 * Integer.BYTES, unscaled);
            offset += 2 * Integer.BYTES + unscaled.length;
        }

        @Override
        public void onInstant(final String name, final Instant value)
        {
            offset = readHeader(READ_INSTANT, name);
            buffer.putLong(offset, value.getEpochSecond(), ORDER);
            buffer.putInt(offset + Long.BYTES, value.getNano(), ORDER);
            offset += Long.BYTES + Integer.BYTES;
        }

        @Override
        public void onPresence(final String name, final boolean present)
        {
            offset = readHeader(READ_PRESENCE, name);
            buffer.putByte(offset, present ? (byte)1 : (byte)0);
            offset += 1;
        }

        @Override
        public void onBeginObject(final String name)
        {
            offset = readHeader(BEGIN_OBJECT, name);
        }

        @Override
        public void onEndObject()
        {
            offset = readHeader(END_OBJECT, null);
        }

        @Override
        public void onBeginList(final String name, final int size)
        {
            offset = readHeader(BEGIN_LIST, name);
            buffer.putInt(offset, size, ORDER);
            offset += Integer.BYTES;
        }

        @Override
        public void onEndList()
        {
            offset = readHeader(END_LIST, null);
        }

        @Override
        public void onBeginMap(final String name, final int size)
        {
            offset = readHeader(BEGIN_MAP, name);
            buffer.putInt(offset, size, ORDER);
            offset += Integer.BYTES;
        }

        @Override
        public void onKey(final String key)
        {
            offset = readHeader(MAP_KEY, key);
        }

        @Override
        public void onEndMap()
        {
            offset = readHeader(END_MAP, null);
        }

        private int readHeader(final byte readKind, final String name)
        {
            readCount++;
            buffer.putByte(offset, readKind);
            return WireBuffers.putString(buffer, offset + 1, name);
        }
    }

    /**
     * A message of commands each built at ingress by an {@link Encoder} and carrying its encoded form as its wire form
     * ({@link Command#wireForm}, the bytes of {@link Encoder#lastCommandBytes}).
     *
     * @throws IllegalArgumentException for a command without that form, or a single message of more than one.
     */
    static byte[] message(final byte kind, final List<Command> commands)
    {
        if (kind == SINGLE && commands.size() != 1)
        {
            throw new IllegalArgumentException("a single-command message holds one command, not " + commands.size());
        }
        boolean legacy = true;
        boolean traced = false;
        for (final Command c : commands)
        {
            if (!(c.wireForm() instanceof WireForm form))
            {
                throw new IllegalArgumentException("command " + c.commandId() + " was not built by the cluster's ingress");
            }
            legacy &= form.legacy() != null;
            traced |= c.traceparent() != null;
        }
        final byte version = !legacy ? VERSION : traced ? VERSION_2 : VERSION_1;
        int length = HEADER_LENGTH;
        for (final Command c : commands)
        {
            final WireForm form = (WireForm)c.wireForm();
            length += (legacy ? form.legacy() : form.form()).length + (version == VERSION_1 ? 0 : Integer.BYTES +
                (c.traceparent() == null ? 0 : c.traceparent().length())); // a traceparent is ASCII
        }
        final byte[] message = new byte[length];
        final UnsafeBuffer buffer = new UnsafeBuffer(message);
        buffer.putByte(VERSION_OFFSET, version);
        buffer.putByte(KIND_OFFSET, kind);
        buffer.putInt(COUNT_OFFSET, commands.size(), ORDER);
        int at = HEADER_LENGTH;
        for (final Command c : commands)
        {
            final byte[] form = legacy ? ((WireForm)c.wireForm()).legacy() : ((WireForm)c.wireForm()).form();
            buffer.putBytes(at, form);
            at += form.length;
            if (version != VERSION_1)
            {
                at = WireBuffers.putString(buffer, at, c.traceparent());
            }
        }
        return message;
    }

    /** Whether {@code type} is found by its name alone, in {@code aggregateType}, as versions 1 and 2 resolve it. */
    private static boolean byNameAlone(final CommandFactory factory, final String type, final String aggregateType)
    {
        try
        {
            return factory.resolve(null, type).module().aggregateType().equals(aggregateType);
        }
        catch (final RuntimeException ambiguous)
        {
            return false;
        }
    }

    /**
     * The command encoded in version 3's layout at {@code [start, end)} in the layout of versions 1 and 2: without its
     * aggregate type and its presence reads; null when one of its reads is of a kind after 3 (structured data).
     */
    private static byte[] legacyForm(final DirectBuffer source, final int start, final int end)
    {
        final ExpandableArrayBuffer out = new ExpandableArrayBuffer(end - start);
        int at = start + FIXED_COMMAND_FIELDS;
        out.putBytes(0, source, start, FIXED_COMMAND_FIELDS);
        int to = FIXED_COMMAND_FIELDS;
        final int idSize = WireBuffers.stringSize(source, at, end);
        out.putBytes(to, source, at, idSize);
        to += idSize;
        at += idSize;
        at += WireBuffers.stringSize(source, at, end); // the aggregate type
        for (int i = 0; i < 3; i++) // type, aggregate id, correlation id
        {
            final int size = WireBuffers.stringSize(source, at, end);
            out.putBytes(to, source, at, size);
            to += size;
            at += size;
        }
        final int readCount = source.getInt(at, ORDER);
        at += Integer.BYTES;
        final int readCountAt = to;
        to += Integer.BYTES;
        int kept = 0;
        for (int r = 0; r < readCount; r++)
        {
            final byte kind = source.getByte(at);
            final int nameSize = WireBuffers.stringSize(source, at + 1, end);
            final int valueSize;
            switch (kind)
            {
                case READ_LONG -> valueSize = Long.BYTES;
                case READ_STRING -> valueSize = WireBuffers.stringSize(source, at + 1 + nameSize, end);
                case READ_BOOLEAN, READ_PRESENCE -> valueSize = 1;
                default ->
                {
                    return null;
                }
            }
            final int size = 1 + nameSize + valueSize;
            if (kind != READ_PRESENCE)
            {
                out.putBytes(to, source, at, size);
                to += size;
                kept++;
            }
            at += size;
        }
        out.putInt(readCountAt, kept, ORDER);
        final byte[] bytes = new byte[to];
        out.getBytes(0, bytes);
        return bytes;
    }

    /** Sets the client's correlation id into a finished message. */
    static void correlationId(final MutableDirectBuffer message, final int offset, final long correlationId)
    {
        message.putLong(offset + CORRELATION_OFFSET, correlationId, ORDER);
    }
}
