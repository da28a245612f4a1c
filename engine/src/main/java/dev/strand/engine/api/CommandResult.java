package dev.strand.engine.api;

import java.util.List;

/**
 * The outcome of one command.
 *
 * @param commandId the command's id.
 * @param rejection {@code null} when accepted.
 * @param replayed  true when this is the stored result of an earlier command with the same id.
 * @param position  the position of the last event (accepted), else 0.
 * @param events    the events the command journaled, in position order (empty when rejected).
 */
public record CommandResult(String commandId, Rejection rejection, boolean replayed, long position, List<RecordedEvent> events)
{
    public boolean accepted()
    {
        return rejection == null;
    }

    public static CommandResult rejected(final String commandId, final Rejection rejection)
    {
        return new CommandResult(commandId, rejection, false, 0, List.of());
    }
}
