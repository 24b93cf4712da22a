package org.ntpguard.cli;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

/**
 * Real NTP datagrams from one UDP socket to 127.0.0.1 port 123, for the live tests on {@code lo} (only loopback is
 * ever a target), and waiting for a command running beside them.
 */
final class LoopbackNtp implements AutoCloseable {

    /** An ntpd-like client request: LI 0, VN 4, mode 3, poll 2^6 s, precision -23, transmit time 1122334455667788. */
    static final byte[] CLIENT_REQUEST = new byte[48];
    /** ntpdc's monlist request: VN 2, mode 7, implementation 3 (XNTPD), request code 42 (MON_GETLIST_1). */
    static final byte[] MONLIST_REQUEST = {0x17, 0x00, 0x03, 0x2a, 0x00, 0x00, 0x00, 0x00};

    static {
        CLIENT_REQUEST[0] = 0x23;
        CLIENT_REQUEST[2] = 6;
        CLIENT_REQUEST[3] = (byte) 0xE9;
        for (int i = 40; i < 48; i++) {
            CLIENT_REQUEST[i] = (byte) (0x11 * (i - 39));
        }
    }

    private static final InetSocketAddress NTP = new InetSocketAddress(InetAddress.getLoopbackAddress(), 123);

    private final DatagramSocket socket;

    LoopbackNtp() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    int sourcePort() {
        return socket.getLocalPort();
    }

    /** A capture filter keeping only this socket's datagrams, whatever else crosses loopback. */
    String filter() {
        return "udp dst port 123 and udp src port " + sourcePort();
    }

    void send(final byte[] payload) throws IOException {
        socket.send(new DatagramPacket(payload, payload.length, NTP));
    }

    @Override
    public void close() {
        socket.close();
    }

    /**
     * Waits until {@code condition} holds.
     *
     * @throws AssertionError naming {@code what} and showing {@code log} when the command ended first or time ran out
     */
    static void await(final String what, final BooleanSupplier condition, final Future<?> command,
                      final Duration limit, final Object log) throws InterruptedException {
        final long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (command.isDone() || System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not happen" + (command.isDone() ? " (the command ended)" : "")
                        + ": " + log);
            }
            Thread.sleep(50);
        }
    }
}
