package org.ntpguard.cli.report;

import java.time.Instant;
import java.util.List;

/**
 * One capture file of an analysis, as summary.json names it: enough to tell later which file, exactly, the results
 * came from, and what of it was read.
 *
 * @param path        as the user gave it
 * @param sizeBytes   its size on disk (compressed, for a gzip file); -1 when it could not be read again
 * @param sha256      SHA-256 of its bytes on disk, lower-case hex; null when not computed (a stopped replay)
 * @param linkTypes   pcap LINKTYPE_ values of its frames, in order of first appearance
 * @param frames      frames read from it
 * @param firstFrame  capture time of its earliest frame; null with no frame
 * @param lastFrame   capture time of its latest frame; null with no frame
 * @param damage      problems of its format (truncation, bad blocks, ...) found while reading it
 */
public record InputFile(String path, long sizeBytes, String sha256, List<Integer> linkTypes, long frames,
                        Instant firstFrame, Instant lastFrame, long damage) {

    public InputFile {
        linkTypes = List.copyOf(linkTypes);
    }
}
