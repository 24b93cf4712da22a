package org.ntpguard.capture.live;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds libpcap before pcap4j looks for it.
 *
 * <p>pcap4j 1.8.2 loads the library named by the system property {@value #PROPERTY} (default {@code pcap}) once, in a
 * static initializer; if that fails every later pcap4j call dies with {@link NoClassDefFoundError}. Debian's runtime
 * package {@code libpcap0.8} ships only {@code libpcap.so.0.8} (the unversioned {@code libpcap.so} comes with
 * {@code libpcap-dev}), so this class tries the candidates in turn through JNA, the same loader pcap4j uses, and sets
 * the property to the first that loads. A property the user set is respected and is the only candidate.
 */
final class PcapLibrary {

    /** The system property pcap4j reads the library name from. */
    static final String PROPERTY = "org.pcap4j.core.pcapLibName";

    private static String loaded;
    private static String failure;

    private PcapLibrary() {
    }

    /**
     * Makes sure pcap4j will find libpcap; call before touching any pcap4j class.
     *
     * @return the name or path that loaded
     */
    static synchronized String load() throws LiveCaptureException {
        if (loaded != null) {
            return loaded;
        }
        if (failure != null) {
            throw new LiveCaptureException(failure);
        }
        final String configured = System.getProperty(PROPERTY);
        final List<String> candidates = configured != null ? List.of(configured) : candidates();
        final List<String> errors = new ArrayList<>();
        for (final String candidate : candidates) {
            try {
                NativeLibrary.getInstance(candidate);
                System.setProperty(PROPERTY, candidate);
                loaded = candidate;
                return candidate;
            } catch (final UnsatisfiedLinkError e) {
                errors.add(candidate);
            }
        }
        failure = configured != null
                ? "Cannot load libpcap from " + configured + " as set by -D" + PROPERTY
                        + " (install libpcap, e.g. apt-get install libpcap0.8, or correct the property)."
                : "Cannot load libpcap (tried " + String.join(", ", errors)
                        + "): install it, e.g. apt-get install libpcap0.8, or name it with -D" + PROPERTY + ".";
        throw new LiveCaptureException(failure);
    }

    /** Where libpcap may be, most likely first: JNA's own search (which also finds versioned names), then sonames. */
    static List<String> candidates() {
        if (Platform.isWindows()) {
            return List.of("wpcap");
        }
        final List<String> names = new ArrayList<>(List.of("pcap", "libpcap.so.1", "libpcap.so.0.8"));
        if (Platform.isLinux()) {
            final String triplet = multiarchTriplet();
            for (final String dir : List.of("/usr/lib/" + triplet, "/lib/" + triplet, "/usr/lib64", "/usr/lib")) {
                names.add(dir + "/libpcap.so.0.8");
                names.add(dir + "/libpcap.so.1");
            }
        }
        return names;
    }

    /** Debian's multiarch directory name for this JVM's architecture. */
    private static String multiarchTriplet() {
        final String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        switch (arch) {
            case "amd64":
            case "x86_64":
                return "x86_64-linux-gnu";
            case "aarch64":
            case "arm64":
                return "aarch64-linux-gnu";
            case "arm":
                return "arm-linux-gnueabihf";
            case "x86":
            case "i386":
            case "i686":
                return "i386-linux-gnu";
            default:
                return arch + "-linux-gnu";
        }
    }
}
