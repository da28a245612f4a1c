package dev.strand.bench.support;

/**
 * The JVM flags every forked benchmark JVM needs: Chronicle Queue's (and Agrona's) exports and opens on JDK 17+, analytics off.
 * Kept as constants so {@code @Fork(jvmArgsAppend = ...)} can name them; the same list is in the parent pom's
 * {@code chronicle.jvm.flags} and in the shaded jars' manifests.
 */
public final class BenchFlags
{
    public static final String ADD_EXPORTS_REF = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    public static final String ADD_EXPORTS_NIO = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED";
    public static final String ADD_EXPORTS_MISC = "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED";
    /** Agrona 2.x reads {@code jdk.internal.misc.Unsafe}. */
    public static final String ADD_EXPORTS_INTERNAL_MISC = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
    public static final String ADD_EXPORTS_JAVAC = "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED";
    public static final String ADD_OPENS_JAVAC = "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED";
    public static final String ADD_OPENS_LANG = "--add-opens=java.base/java.lang=ALL-UNNAMED";
    public static final String ADD_OPENS_REFLECT = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";
    public static final String ADD_OPENS_IO = "--add-opens=java.base/java.io=ALL-UNNAMED";
    public static final String ADD_OPENS_UTIL = "--add-opens=java.base/java.util=ALL-UNNAMED";
    public static final String ADD_OPENS_NIO = "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED";
    public static final String NO_ANALYTICS = "-Dchronicle.analytics.disable=true";
    public static final String NO_ANNOUNCER = "-Dchronicle.announcer.disable=true";
    /** Fixed heap so forks do not resize it mid-measurement. */
    public static final String HEAP_MIN = "-Xms1g";
    public static final String HEAP_MAX = "-Xmx1g";

    /** System property naming the directory benchmarks write their journals under (default: java.io.tmpdir). */
    public static final String DIR_PROPERTY = "strand.bench.dir";

    private BenchFlags()
    {
    }
}
