package dev.strand.engine.api;

/**
 * One projection as {@code GET /projections} shows it.
 *
 * @param name          the projection's name.
 * @param position      the last journal position it applied.
 * @param lag           events the journal holds beyond {@code position}.
 * @param status        {@code running}, {@code rebuilding} or {@code failed}.
 * @param errors        events whose fold threw (skipped under the {@code skip} policy, the one it stopped at under
 *                      {@code stop}).
 * @param errorPolicy   {@code stop} or {@code skip}.
 * @param error         why it failed (status {@code failed}), else null.
 * @param errorPosition the position of the event it failed at, or 0.
 * @param rows          the rows it holds.
 * @param checkpoint    the position of its newest checkpoint (loaded at start or written since), or 0.
 * @param applied       events it has applied since the engine started (a restart from a checkpoint applies only the
 *                      journal's tail).
 */
public record ProjectionStatus(String name, long position, long lag, String status, long errors, String errorPolicy,
    String error, long errorPosition, int rows, long checkpoint, long applied)
{
    public static final String RUNNING = "running";
    public static final String REBUILDING = "rebuilding";
    public static final String FAILED = "failed";
}
