package org.ntpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Two hosts of the test's own: network namespaces joined by a veth pair, a client at {@value #CLIENT} and an NTP
 * server's address at {@value #SERVER} (documentation ranges, outside the default home networks). Live tests capture
 * on the server's side where loopback would not do: loopback is always the site's own, and traffic on it is never
 * abuse. Needs root (CI runs as root) and iproute2; nothing outside the two namespaces is touched.
 */
final class TwoHosts implements AutoCloseable {

    static final String CLIENT = "203.0.113.9";
    static final String SERVER = "198.51.100.1";

    private final String serverSide;
    private final String clientSide;
    private final String serverInterface;

    TwoHosts() throws IOException, InterruptedException {
        final String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
        serverSide = "ntpg-" + tag + "-srv";
        clientSide = "ntpg-" + tag + "-cli";
        serverInterface = "ntpg" + tag + "s"; // at most 15 characters
        final String clientInterface = "ntpg" + tag + "c";
        ip("netns", "add", serverSide);
        ip("netns", "add", clientSide);
        ip("link", "add", serverInterface, "type", "veth", "peer", "name", clientInterface);
        ip("link", "set", serverInterface, "netns", serverSide);
        ip("link", "set", clientInterface, "netns", clientSide);
        ip("-n", serverSide, "addr", "add", SERVER + "/24", "dev", serverInterface);
        ip("-n", clientSide, "addr", "add", CLIENT + "/24", "dev", clientInterface);
        for (final String[] end : new String[][] {{serverSide, serverInterface}, {clientSide, clientInterface}}) {
            ip("-n", end[0], "link", "set", "lo", "up"); // the embedded broker listens on 127.0.0.1
            ip("-n", end[0], "link", "set", end[1], "up");
        }
        ip("-n", clientSide, "route", "add", "198.51.100.0/24", "dev", clientInterface);
        ip("-n", serverSide, "route", "add", "203.0.113.0/24", "dev", serverInterface);
    }

    /** What runs a command on the server's host. */
    List<String> onServer() {
        return List.of("ip", "netns", "exec", serverSide);
    }

    /** The server host's side of the link, to capture on. */
    String serverInterface() {
        return serverInterface;
    }

    /** Sends {@code payload} {@code count} times from one UDP socket (one source port) of the client to port 123. */
    void sendFromClient(final byte[] payload, final int count) throws IOException, InterruptedException {
        final StringBuilder bytes = new StringBuilder();
        for (final byte b : payload) {
            bytes.append(String.format("\\x%02x", b & 0xFF));
        }
        // perl is on every Debian; an unconnected socket ignores the port-unreachable answers.
        run(List.of("ip", "netns", "exec", clientSide, "perl", "-MSocket", "-e",
                "socket(S, PF_INET, SOCK_DGRAM, 0) or die $!; my $to = sockaddr_in(123, inet_aton('" + SERVER
                        + "')); for (1.." + count + ") { send(S, \"" + bytes + "\", 0, $to) or die \"send: $!\"; }"));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        // Deleting a namespace deletes its end of the veth pair, and with it the other end.
        run(List.of("ip", "netns", "del", serverSide));
        run(List.of("ip", "netns", "del", clientSide));
    }

    private static void ip(final String... args) throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        run(command);
    }

    private static void run(final List<String> command) throws IOException, InterruptedException {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
    }
}
