package org.ntpguard.capture.pcap;

/** Where readers and decoders report damaged input. */
@FunctionalInterface
public interface CaptureProblems {

    void report(CaptureProblem problem);
}
