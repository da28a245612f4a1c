package dev.strand.journal;

import java.nio.file.Path;

/** A directory cannot be created or written (permissions, a read-only file system); the message names it. */
public final class DirectoryNotWritableException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param what      what the directory is: {@code data directory}, {@code journal}.
     * @param directory the directory.
     * @param reason    the file system's reason.
     */
    public DirectoryNotWritableException(final String what, final Path directory, final String reason)
    {
        super(what + " " + directory.toAbsolutePath().normalize() + " is not writable: " + reason);
    }

    @Override
    public synchronized Throwable fillInStackTrace()
    {
        return this;
    }
}
