package dev.strand.config;

import java.util.List;

/**
 * Writes settings as the Markdown table the READMEs carry, so the table is generated from the declarations (a test
 * compares it with the README).
 */
public final class SettingsTable
{
    private SettingsTable()
    {
    }

    /**
     * @param settings the settings, in the order to show.
     * @return the table with its header row, one line per setting, ending with a newline.
     */
    public static String markdown(final List<Setting<?>> settings)
    {
        final StringBuilder sb = new StringBuilder();
        sb.append("| flag | environment | default | values | what it does |\n");
        sb.append("|---|---|---|---|---|\n");
        for (final Setting<?> s : settings)
        {
            sb.append("| `").append(s.flag()).append("` | `").append(s.env()).append("` | ")
                .append(s.defaultText().isEmpty() ? "(none)" : "`" + s.defaultText() + "`").append(" | ")
                .append(escape(s.range())).append(" | ")
                .append(escape(s.doc())).append(" |\n");
        }
        return sb.toString();
    }

    /**
     * @param document    a Markdown document.
     * @param sectionMark the marker comment before the table, e.g. {@code <!-- settings: server -->}.
     * @return the table that follows the marker, up to the first line that is not a table row.
     */
    public static String extract(final String document, final String sectionMark)
    {
        final int mark = document.indexOf(sectionMark);
        if (mark < 0)
        {
            throw new IllegalArgumentException("no " + sectionMark + " in the document");
        }
        final StringBuilder sb = new StringBuilder();
        boolean inTable = false;
        for (final String line : document.substring(mark + sectionMark.length()).split("\n", -1))
        {
            if (line.startsWith("|"))
            {
                inTable = true;
                sb.append(line).append('\n');
            }
            else if (inTable || !line.isBlank())
            {
                break;
            }
        }
        return sb.toString();
    }

    private static String escape(final String text)
    {
        return text.replace("|", "\\|");
    }
}
