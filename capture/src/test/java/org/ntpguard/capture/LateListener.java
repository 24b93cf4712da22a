package org.ntpguard.capture;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback port where nothing listens at first (connections are refused, as with a broker that is down) and
 * that, once {@link #open()} is called, forwards every connection to the test broker: a broker that "comes up".
 * Clients bootstrap through it; the broker then advertises its own address, which they use from there on.
 */
public final class LateListener implements AutoCloseable {

    private final int port;
    private final List<AutoCloseable> resources = new CopyOnWriteArrayList<>();

    public LateListener() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
    }

    /** {@code 127.0.0.1:port}, refused until {@link #open()}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Starts listening and forwarding to the test broker. */
    public void open() throws IOException {
        final String[] broker = TestBroker.bootstrapServers().split(",")[0].split(":");
        final InetSocketAddress target = new InetSocketAddress(broker[0], Integer.parseInt(broker[1]));
        final ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        resources.add(server);
        daemon(() -> {
            while (!server.isClosed()) {
                final Socket client = server.accept();
                final Socket upstream = new Socket(target.getHostString(), target.getPort());
                resources.add(client);
                resources.add(upstream);
                daemon(() -> pump(client.getInputStream(), upstream.getOutputStream()));
                daemon(() -> pump(upstream.getInputStream(), client.getOutputStream()));
            }
        });
    }

    private static void pump(final InputStream in, final OutputStream out) throws IOException {
        final byte[] buffer = new byte[64 * 1024];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            out.write(buffer, 0, n);
            out.flush();
        }
    }

    private interface IoTask {
        void run() throws IOException;
    }

    private static void daemon(final IoTask task) {
        final Thread thread = new Thread(() -> {
            try {
                task.run();
            } catch (IOException closed) {
                // The other side or close() ended the connection.
            }
        }, "late-listener");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws Exception {
        for (final AutoCloseable resource : resources) {
            resource.close();
        }
    }
}
