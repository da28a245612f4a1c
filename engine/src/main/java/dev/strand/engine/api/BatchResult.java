package dev.strand.engine.api;

import java.util.List;

/**
 * The outcome of a batch, one result per command in submission order.
 *
 * @param failedIndex for an atomic batch that was rolled back, the index of the command that failed, else -1.
 *                    The other commands of a rolled-back batch carry {@link ResultCodes#ABORTED}.
 */
public record BatchResult(boolean atomic, List<CommandResult> results, int failedIndex)
{
    /** The same rejection for every command (ring full, halted). */
    public static BatchResult allRejected(final boolean atomic, final List<Command> commands, final Rejection rejection)
    {
        final CommandResult[] results = new CommandResult[commands.size()];
        for (int i = 0; i < results.length; i++)
        {
            results[i] = CommandResult.rejected(commands.get(i).commandId(), rejection);
        }
        return new BatchResult(atomic, List.of(results), atomic && results.length > 0 ? 0 : -1);
    }
}
