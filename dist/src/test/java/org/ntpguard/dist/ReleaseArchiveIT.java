package org.ntpguard.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive as an operator gets it: unpacked with tar into a fresh folder laid out as a host's root
 * ({@code opt/ntpguard-VERSION}, {@code opt/ntpguard} linked to it), run from there with only a JDK (no Maven, no
 * source checkout), and its systemd units checked by {@code systemd-analyze} against that root, where the paths the
 * units name exist.
 */
class ReleaseArchiveIT {

    private static final Path ARCHIVE = Path.of(System.getProperty("ntpguard.release"));
    private static final String NAME = System.getProperty("ntpguard.release.name");
    private static final String SENSOR_UNIT = "ntpguard-sensor@.service";
    private static final String DETECT_UNIT = "ntpguard-detect.service";
    /** What the units run, as installed (README, "Install without Docker"). */
    private static final String INSTALLED_LAUNCHER = "/opt/ntpguard/bin/ntpguard";
    /** systemd's own units (targets, slices) that the units order themselves after and are installed into. */
    private static final Path SYSTEM_UNITS = Path.of("/usr/lib/systemd/system");

    @TempDir
    static Path root;
    private static Path home;

    @BeforeAll
    static void unpack() throws Exception {
        final Path opt = Files.createDirectories(root.resolve("opt"));
        final Result untar = run(opt, Map.of(), "tar", "-xzf", ARCHIVE.toString());
        assertThat(untar.status()).as(untar.stderr()).isZero();
        Files.createSymbolicLink(opt.resolve("ntpguard"), Path.of(NAME));
        home = opt.resolve("ntpguard");
    }

    @Test
    void shouldAnalyzeTheBundledSampleFromTheUnpackedFolderWithJavaHomeAlone() throws Exception {
        // given: a working folder of its own, JAVA_HOME set, nothing of Maven's around
        final Path work = Files.createDirectories(root.resolve("work"));
        final Map<String, String> env = Map.of("JAVA_HOME", System.getProperty("java.home"), "PATH", "/usr/bin:/bin");

        // when
        final Result analyze = run(work, env, home.resolve("bin/ntpguard").toString(), "analyze",
                home.resolve("samples/mixed-ntp.pcap").toString(), "--out-dir", "report", "--quiet");

        // then: the sample's monlist reflection among the alerts (samples/README.md), a clean exit
        assertThat(analyze.status()).as(analyze.stderr()).isZero();
        final List<String> alerts = Files.readAllLines(work.resolve("report/alerts.jsonl"));
        assertThat(alerts).isNotEmpty().anyMatch(alert -> alert.contains("\"subject\":\"198.51.100.7\""));
        assertThat(Files.readString(work.resolve("report/summary.json"))).contains("\"exitStatus\":0");
    }

    @Test
    void shouldFindJavaOnThePathAndRunItWithTheSharedJvmOptions() throws Exception {
        // given: no JAVA_HOME; the JDK's bin on the PATH
        final Path javaBin = Path.of(System.getProperty("java.home"), "bin");
        final Map<String, String> env = Map.of("PATH", javaBin + ":/usr/bin:/bin",
                "NTPGUARD_JAVA_OPTS", "-XX:+PrintCommandLineFlags");
        final List<String> options = Files.readAllLines(home.resolve("lib/jvm.options")).stream()
                .map(String::strip).filter(line -> line.startsWith("-")).toList();

        // when
        final Result version = run(root, env, home.resolve("bin/ntpguard").toString(), "--version");

        // then: every option of lib/jvm.options reached the JVM (it prints the flags it was given), then ntpguard ran
        assertThat(version.status()).as(version.stderr()).isZero();
        assertThat(options).hasSizeGreaterThanOrEqualTo(5).contains("-XX:+ExitOnOutOfMemoryError");
        assertThat(version.stdout().lines().findFirst().orElseThrow()).contains(options);
        assertThat(version.stdout()).contains("ntpguard");
    }

    @Test
    void shouldRefuseAJavaOlderThan17InOneLine() throws Exception {
        // given: a JAVA_HOME whose java says it is 11 (and has no release file: the launcher asks java -version)
        final Path old = Files.createDirectories(root.resolve("old-java/bin"));
        Files.writeString(old.resolve("java"), "#!/bin/sh\necho 'openjdk version \"11.0.22\" 2024-01-16' >&2\n");
        old.resolve("java").toFile().setExecutable(true);

        // when
        final Result result = run(root, Map.of("JAVA_HOME", old.getParent().toString(), "PATH", "/usr/bin:/bin"),
                home.resolve("bin/ntpguard").toString(), "--version");

        // then
        assertThat(result.status()).isEqualTo(2);
        assertThat(result.stderr()).isEqualTo("ntpguard: needs Java 17 or later; " + old.resolve("java")
                + " is Java 11.0.22 (set JAVA_HOME to a newer one)\n");
    }

    @Test
    void shouldSayInOneLineThatThereIsNoJava() throws Exception {
        // given: a PATH with the tools the launcher uses, but no java, and no JAVA_HOME
        final Path tools = Files.createDirectories(root.resolve("tools-without-java"));
        for (final String tool : List.of("readlink", "dirname", "sed", "head")) {
            Files.createSymbolicLink(tools.resolve(tool), Path.of("/usr/bin", tool));
        }

        // when
        final Result result = run(root, Map.of("PATH", tools.toString()), home.resolve("bin/ntpguard").toString(),
                "--version");

        // then
        assertThat(result.status()).isEqualTo(2);
        assertThat(result.stderr()).startsWith("ntpguard: no java on the PATH and JAVA_HOME not set; ").hasLineCount(1);
    }

    @Test
    void shouldPassSystemdAnalyzeVerifyOnceInstalled() throws Exception {
        // given: the units where a host keeps them, beside systemd's own, under the root the release is unpacked in
        final Path sysroot = installUnits(root);

        // when: verify loads each unit (an instance of the template) and what it names: syntax, unknown keys,
        // specifiers, the executables of ExecStart (under --root: the unpacked launcher) and the units it orders
        // itself after or is wanted by
        final Result verify = run(root, Map.of(), "systemd-analyze", "verify", "--root=" + sysroot,
                "ntpguard-sensor@eth0.service", DETECT_UNIT);

        // then: not even a warning
        assertThat(verify.stdout() + verify.stderr()).isEmpty();
        assertThat(verify.status()).isZero();
    }

    @Test
    void shouldFailSystemdAnalyzeVerifyWithoutTheLauncherWhereTheUnitsRunIt() throws Exception {
        // given: the same units under a root without /opt/ntpguard: verify does look for what ExecStart runs
        final Path empty = Files.createDirectories(root.resolve("host-without-ntpguard"));
        final Path sysroot = installUnits(empty);

        // when
        final Result verify = run(root, Map.of(), "systemd-analyze", "verify", "--root=" + sysroot, DETECT_UNIT);

        // then
        assertThat(verify.status()).isNotZero();
        assertThat(verify.stderr()).contains("Command " + INSTALLED_LAUNCHER + " is not executable");
    }

    @Test
    void shouldGiveTheSensorCaptureCapabilitiesAloneAndTheDetectorNone() throws Exception {
        // given
        final Path sysroot = installUnits(root);

        // when: systemd's own review of each unit's sandboxing, offline (no running systemd needed)
        final Result sensor = security(sysroot, "ntpguard-sensor@eth0.service");
        final Result detect = security(sysroot, DETECT_UNIT);

        // then: both run unprivileged and sandboxed ("OK" exposure: at most 3.0 of 10); the sensor keeps the
        // capabilities of raw capture and promiscuous mode, the detector none
        assertThat(sensor.status()).as(sensor.stdout()).isZero();
        assertThat(detect.status()).as(detect.stdout()).isZero();
        final Map<String, Boolean> sensorChecks = checks(sensor.stdout());
        final Map<String, Boolean> detectChecks = checks(detect.stdout());
        for (final Map<String, Boolean> unit : List.of(sensorChecks, detectChecks)) {
            assertThat(unit).containsEntry("User=/DynamicUser=", true).containsEntry("NoNewPrivileges=", true)
                    .containsEntry("CapabilityBoundingSet=~CAP_SYS_ADMIN", true)
                    .containsEntry("ProtectSystem=", true).containsEntry("ProtectHome=", true);
        }
        assertThat(sensorChecks).containsEntry("CapabilityBoundingSet=~CAP_NET_ADMIN", false)
                .containsEntry("CapabilityBoundingSet=~CAP_NET_(BIND_SERVICE|BROADCAST|RAW)", false)
                .containsEntry("AmbientCapabilities=", false);
        assertThat(detectChecks).containsEntry("CapabilityBoundingSet=~CAP_NET_ADMIN", true)
                .containsEntry("CapabilityBoundingSet=~CAP_NET_(BIND_SERVICE|BROADCAST|RAW)", true)
                .containsEntry("AmbientCapabilities=", true);
    }

    @Test
    void shouldRunNtpguardWithOptionsItKnowsFromEachUnit() throws Exception {
        // given: each unit's command line as systemd makes it from the unit's own defaults, as an environment file
        // would override them: nothing listens at the broker address, the sensor's interface does not exist, the
        // detector's settings file neither, and the HTTP ports are any free ones
        final Map<String, String> settings = Map.of("NTPGUARD_BOOTSTRAP_SERVERS", "127.0.0.1:1",
                "NTPGUARD_SENSOR_HTTP_PORT", "0", "NTPGUARD_DETECT_HTTP_PORT", "0",
                "NTPGUARD_DETECTION_CONFIG", root.resolve("no-such-detection.properties").toString());
        final List<String> sensor = execStart(SENSOR_UNIT, "nosuchif0", settings);
        final List<String> detect = execStart(DETECT_UNIT, null, settings);
        final Map<String, String> env = Map.of("JAVA_HOME", System.getProperty("java.home"), "PATH", "/usr/bin:/bin");

        // when
        final Result sensorRun = run(root, env, sensor.toArray(String[]::new));
        final Result detectRun = run(root, env, detect.toArray(String[]::new));

        // then: ntpguard took every option the units give it (an unknown one is a usage error, before anything
        // else) and stopped at what is missing on this host
        assertThat(sensor).contains("--interface", "nosuchif0", "--sensor", "testhost-nosuchif0");
        assertThat(sensorRun.status()).isEqualTo(2);
        assertThat(sensorRun.stderr()).doesNotContain("Unknown option", "Usage:")
                .contains("ntpguard sensor: Cannot capture on interface nosuchif0");
        assertThat(detectRun.status()).isEqualTo(2);
        assertThat(detectRun.stderr()).doesNotContain("Unknown option", "Usage:")
                .startsWith("ntpguard detect: " + settings.get("NTPGUARD_DETECTION_CONFIG")).hasLineCount(1);
    }

    /**
     * The command line of a unit's {@code ExecStart}, as systemd expands it: specifiers ({@code %i} the instance,
     * {@code %H} "testhost", {@code %S} /var/lib), then {@code ${VAR}} as one word and {@code $VAR} split into words,
     * from the unit's {@code Environment=} defaults overridden by {@code settings}; the installed launcher replaced by
     * the unpacked one.
     */
    private static List<String> execStart(final String unit, final String instance,
                                          final Map<String, String> settings) throws IOException {
        final String text = Files.readString(home.resolve("systemd").resolve(unit)).replace("\\\n", " ")
                .replace("%i", instance == null ? "" : instance).replace("%H", "testhost").replace("%S", "/var/lib");
        final Map<String, String> environment = new HashMap<>();
        String execStart = null;
        for (final String line : text.lines().toList()) {
            if (line.startsWith("Environment=")) {
                for (final String assignment : line.substring("Environment=".length()).trim().split("\\s+")) {
                    final int equals = assignment.indexOf('=');
                    environment.put(assignment.substring(0, equals), assignment.substring(equals + 1));
                }
            } else if (line.startsWith("ExecStart=")) {
                execStart = line.substring("ExecStart=".length()).trim();
            }
        }
        assertThat(execStart).as(unit + " ExecStart").isNotNull();
        environment.putAll(settings);
        final List<String> words = new ArrayList<>();
        for (final String word : execStart.split("\\s+")) {
            if (word.startsWith("${") && word.endsWith("}")) {
                words.add(environment.getOrDefault(word.substring(2, word.length() - 1), ""));
            } else if (word.startsWith("$")) {
                final String value = environment.getOrDefault(word.substring(1), "").trim();
                if (!value.isEmpty()) {
                    words.addAll(List.of(value.split("\\s+")));
                }
            } else {
                words.add(word);
            }
        }
        assertThat(words.get(0)).isEqualTo(INSTALLED_LAUNCHER);
        words.set(0, home.resolve("bin/ntpguard").toString());
        return words;
    }

    /**
     * The release's units in {@code etc/systemd/system} under {@code host} and systemd's own units in
     * {@code usr/lib/systemd/system}, as on an installed host.
     */
    private static Path installUnits(final Path host) throws Exception {
        final Path units = Files.createDirectories(host.resolve("etc/systemd/system"));
        for (final String unit : List.of(SENSOR_UNIT, DETECT_UNIT)) {
            Files.copy(home.resolve("systemd").resolve(unit), units.resolve(unit),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        final Path systemUnits = host.resolve("usr/lib/systemd/system");
        if (!Files.exists(systemUnits)) {
            Files.createDirectories(systemUnits.getParent());
            final Result copy = run(host, Map.of(), "cp", "-a", SYSTEM_UNITS.toString(), systemUnits.toString());
            assertThat(copy.status()).as(copy.stderr()).isZero();
        }
        return host;
    }

    private static Result security(final Path sysroot, final String unit) throws Exception {
        return run(root, Map.of("SYSTEMD_COLORS", "0"), "systemd-analyze", "security", "--offline=yes",
                "--threshold=30", "--no-pager", "--root=" + sysroot, unit);
    }

    /** The checks of {@code systemd-analyze security}'s table: name, and whether the unit passes it. */
    private static Map<String, Boolean> checks(final String table) {
        final Map<String, Boolean> checks = new HashMap<>();
        final Matcher line = Pattern.compile("(?m)^([✓✗]) (\\S+)").matcher(table);
        while (line.find()) {
            checks.put(line.group(2), line.group(1).equals("✓"));
        }
        assertThat(checks).as(table).isNotEmpty();
        return checks;
    }

    private record Result(int status, String stdout, String stderr) {
    }

    /** Runs a command to its end in {@code dir}, with {@code env} as its whole environment (plus HOME). */
    private static Result run(final Path dir, final Map<String, String> env, final String... command)
            throws IOException, InterruptedException {
        final ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().clear();
        builder.environment().put("HOME", root.toString());
        builder.environment().put("LANG", "C.UTF-8");
        builder.environment().putAll(env);
        final Path out = Files.createTempFile(root, "stdout", ".txt");
        final Path err = Files.createTempFile(root, "stderr", ".txt");
        final Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        // A guard against a hung command, not a measure: analyze takes seconds.
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not end: " + Files.readString(err));
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
