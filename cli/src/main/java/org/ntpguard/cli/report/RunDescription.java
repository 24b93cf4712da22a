package org.ntpguard.cli.report;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What summary.json records about how an analysis was made, beside its figures: so a report can be checked, and
 * repeated, long after the run.
 *
 * @param version    the ntpguard version that made it
 * @param inputs     the capture files, in the order given
 * @param problems   problems found in the input, by kind
 * @param settings   every detection setting used (trusted networks, thresholds, ...), key to text
 * @param stages     where the time went, by stage, in the order they ran
 * @param exitStatus the status the command exits with
 */
public record RunDescription(String version, List<InputFile> inputs, Map<String, Long> problems,
                             Map<String, String> settings, Map<String, Duration> stages, int exitStatus) {

    public RunDescription {
        inputs = List.copyOf(inputs);
        problems = new LinkedHashMap<>(problems);
        settings = new LinkedHashMap<>(settings);
        stages = new LinkedHashMap<>(stages);
    }
}
