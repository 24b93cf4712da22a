package org.ntpguard.cli.deliver;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import org.ntpguard.schema.NtpAlert;
import org.ntpguard.schema.text.TimeText;

/**
 * Syslog as RFC 5424 messages, over TCP with octet-counting framing (RFC 6587 §3.4.1: {@code LENGTH SP MESSAGE}) or
 * one message per UDP datagram (RFC 5426):
 *
 * <pre>
 * &lt;PRI&gt;1 TIMESTAMP HOSTNAME ntpguard PROCID TYPE [ntpguard@32473 id="..." type="..." ...] JSON
 * </pre>
 *
 * PRI is facility local0 with the severity the alert's implies; MSGID the alert type; the structured data element
 * {@code ntpguard@32473} every field of the alert (32473 is the private enterprise number RFC 5612 reserves for
 * documentation: ntpguard has none of its own); MSG the {@link AlertPayload} JSON, without a BOM, which many receivers
 * keep as part of the text.
 */
public final class SyslogTarget implements DeliveryTarget {

    /** Which transport. */
    public enum Transport { TCP, UDP }

    /** RFC 5424 §6.2.1 facility 16, local0: site-defined, what SIEM inputs are usually set up to take. */
    static final int FACILITY_LOCAL0 = 16;
    static final String SD_ID = "ntpguard@32473";
    static final String APP_NAME = "ntpguard";
    static final int DEFAULT_PORT = 514;
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    /** RFC 5424 §6.2.4: HOSTNAME is at most 255 printable US-ASCII characters. */
    private static final int MAX_HOSTNAME = 255;
    /** The largest UDP payload over IPv4. */
    private static final int MAX_DATAGRAM = 65_507;

    private final String url;
    private final Transport transport;
    private final InetSocketAddress address;
    private final AlertPayload payload;
    private final String hostname;
    private final long processId = ProcessHandle.current().pid();
    private final Clock clock;
    private Socket socket;
    private DatagramSocket datagrams;

    /** @param url {@code tcp://HOST[:PORT]} or {@code udp://HOST[:PORT]} (port 514 when not given) */
    public SyslogTarget(final String url, final AlertPayload payload, final Clock clock) {
        final URI uri;
        try {
            uri = new URI(url);
        } catch (final URISyntaxException e) {
            throw new IllegalArgumentException(expected(url));
        }
        if (uri.getScheme() == null || uri.getHost() == null
                || !(uri.getScheme().equals("tcp") || uri.getScheme().equals("udp"))) {
            throw new IllegalArgumentException(expected(url));
        }
        this.url = url;
        this.transport = Transport.valueOf(uri.getScheme().toUpperCase(Locale.ROOT));
        final String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        this.address = InetSocketAddress.createUnresolved(host, uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort());
        this.payload = payload;
        this.hostname = localHostname();
        this.clock = clock;
    }

    private static String expected(final String url) {
        return "--syslog: " + url + " (expected: tcp://HOST[:PORT] or udp://HOST[:PORT])";
    }

    @Override
    public String kind() {
        return "syslog";
    }

    @Override
    public String describe() {
        return "syslog " + url;
    }

    @Override
    public void deliver(final NtpAlert alert) throws DeliveryException {
        final byte[] message = message(alert).getBytes(StandardCharsets.UTF_8);
        try {
            if (transport == Transport.TCP) {
                sendFramed(message);
            } else {
                sendDatagram(message);
            }
        } catch (final IOException e) {
            close();
            throw DeliveryException.of(e);
        }
    }

    private void sendFramed(final byte[] message) throws IOException {
        if (socket != null && peerClosed(socket)) {
            close();
        }
        if (socket == null) {
            final Socket connecting = new Socket();
            connecting.connect(resolved(), CONNECT_TIMEOUT_MILLIS);
            socket = connecting;
        }
        final OutputStream out = socket.getOutputStream();
        out.write((message.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.write(message);
        out.flush();
    }

    /**
     * Whether the receiver closed the connection: a receiver never writes, so end of stream is the only thing to
     * read. Without this check, the first message after a receiver's restart would go into a dead socket unnoticed.
     */
    private static boolean peerClosed(final Socket socket) {
        try {
            socket.setSoTimeout(1);
            final InputStream in = socket.getInputStream();
            return in.read() < 0;
        } catch (final SocketTimeoutException e) {
            return false;
        } catch (final IOException e) {
            return true;
        }
    }

    private void sendDatagram(final byte[] message) throws IOException {
        if (datagrams == null) {
            datagrams = new DatagramSocket();
            datagrams.connect(resolved());
        }
        datagrams.send(new DatagramPacket(message, Math.min(message.length, MAX_DATAGRAM)));
    }

    private InetSocketAddress resolved() throws UnknownHostException {
        final InetSocketAddress resolved = new InetSocketAddress(address.getHostString(), address.getPort());
        if (resolved.isUnresolved()) {
            throw new UnknownHostException(address.getHostString());
        }
        return resolved;
    }

    /** The RFC 5424 message, without framing. */
    String message(final NtpAlert alert) {
        final StringBuilder line = new StringBuilder(1536);
        line.append('<').append(FACILITY_LOCAL0 * 8 + severity(alert)).append(">1 ")
                .append(TimeText.isoMillis(clock.millis())).append(' ')
                .append(hostname).append(' ')
                .append(APP_NAME).append(' ')
                .append(processId).append(' ')
                .append(alert.getType().name()).append(" [").append(SD_ID);
        for (final Map.Entry<String, String> field : AlertFields.evidence(alert).entrySet()) {
            appendParam(line, field.getKey(), field.getValue());
        }
        appendParam(line, "summary", alert.getSummary());
        return line.append("] ").append(payload.json(alert)).toString();
    }

    /** RFC 5424 §6.3.3: in a PARAM-VALUE, '"', '\' and ']' are escaped with a backslash. */
    private static void appendParam(final StringBuilder line, final String name, final String value) {
        line.append(' ').append(name).append("=\"");
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            if (c == '"' || c == '\\' || c == ']') {
                line.append('\\');
            }
            line.append(c);
        }
        line.append('"');
    }

    /** RFC 5424 §6.2.1 severity: high critical (2), medium warning (4), low notice (5), info informational (6). */
    static int severity(final NtpAlert alert) {
        return switch (alert.getSeverity()) {
            case HIGH -> 2;
            case MEDIUM -> 4;
            case INFO -> 6;
            case LOW, UNKNOWN -> 5;
        };
    }

    /** This host's name as HOSTNAME takes it (printable US-ASCII), or the NILVALUE when it has none. */
    private static String localHostname() {
        String name;
        try {
            name = InetAddress.getLocalHost().getHostName();
        } catch (final UnknownHostException e) {
            return "-";
        }
        final StringBuilder printable = new StringBuilder();
        for (int i = 0; i < name.length() && printable.length() < MAX_HOSTNAME; i++) {
            final char c = name.charAt(i);
            if (c > ' ' && c < 0x7f) {
                printable.append(c);
            }
        }
        return printable.isEmpty() ? "-" : printable.toString();
    }

    @Override
    public void close() {
        try {
            if (socket != null) {
                socket.close();
            }
        } catch (final IOException e) {
            // nothing left to send on it
        }
        socket = null;
        if (datagrams != null) {
            datagrams.close();
            datagrams = null;
        }
    }
}
