package dev.strand.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JournalDirectoryTest
{
    @TempDir
    Path dir;

    @Test
    void shouldSayWhenTheDirectoryCannotBeCreated() throws IOException
    {
        final Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertThatThrownBy(() -> Journal.open(JournalConfig.builder(file.resolve("journal")).build()))
            .isInstanceOf(DirectoryNotWritableException.class)
            .hasMessageStartingWith("journal " + file.resolve("journal") + " is not writable: ");
    }
}
