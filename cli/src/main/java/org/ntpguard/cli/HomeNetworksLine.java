package org.ntpguard.cli;

import org.ntpguard.capture.proto.NtpMode;
import org.ntpguard.capture.session.DecodeStats;
import org.ntpguard.streams.detect.DetectionConfig;

/**
 * What a report says about the home networks it judged traffic against: mode 6/7 is exposure or not, and traffic is
 * the site's own or not, by them. Left at the default, they are the private ranges, and an analyst who did not know
 * the setting exists learns it here.
 */
final class HomeNetworksLine {

    private HomeNetworksLine() {
    }

    /** The networks used, and whether they were set or the default. */
    static String used(final DetectionConfig detection) {
        return "home networks " + detection.trustedNetworks() + (detection.homeNetworksConfigured() ? ""
                : " (the default private ranges; loopback and link-local are always local)");
    }

    /** A hint when mode 6/7 traffic was judged against the default networks, else null. */
    static String hint(final DetectionConfig detection, final DecodeStats stats) {
        if (detection.homeNetworksConfigured()) {
            return null;
        }
        final long control = controlDatagrams(stats);
        if (control == 0) {
            return null;
        }
        return control + " mode 6/7 datagram(s) were judged against the default home networks: give the site's own "
                + "with --home-net CIDR[,CIDR...] (or ntpguard.home.networks in --config), so that its administrators "
                + "are told apart from outsiders";
    }

    private static long controlDatagrams(final DecodeStats stats) {
        long total = 0;
        for (final NtpMode mode : new NtpMode[] {NtpMode.CONTROL, NtpMode.PRIVATE}) {
            for (int version = 0; version < 8; version++) {
                for (final DecodeStats.Direction direction : DecodeStats.Direction.values()) {
                    total += stats.ntpDatagrams(mode, version, direction);
                }
            }
        }
        return total;
    }
}
