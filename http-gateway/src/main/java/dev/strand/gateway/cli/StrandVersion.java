package dev.strand.gateway.cli;

import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the jar's version (from its manifest) and the Java runtime it runs on. */
public final class StrandVersion implements IVersionProvider
{
    /**
     * @return the version of the running code, or {@code development build} outside the jar.
     */
    public static String version()
    {
        final String v = StrandVersion.class.getPackage().getImplementationVersion();
        return v != null ? v : "development build";
    }

    @Override
    public String[] getVersion()
    {
        return new String[] {
            "strand " + version(),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ", " +
                System.getProperty("java.vendor") + ")"};
    }
}
