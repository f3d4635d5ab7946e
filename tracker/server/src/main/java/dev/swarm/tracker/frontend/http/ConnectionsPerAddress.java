package dev.swarm.tracker.frontend.http;

import dev.swarm.tracker.metrics.Metrics;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;

/**
 * The per-address cap on open HTTP connections ({@code http.max-connections-per-address}), first on the accept path:
 * a connection beyond its address's share is closed at once (metric {@code http.connections_refused_per_address}),
 * so one address cannot hold the whole of {@code http.max-connections} and lock everyone else out. The count per
 * address is released by the connection's close listener. The table holds only addresses with an open connection, so
 * it is bounded by {@code http.max-connections}.
 *
 * <p>Undertow sets its own close listener when it takes a connection over (its {@code AbstractServerConnection}
 * constructor); {@link #handOver} runs that step and chains the release back in.
 */
final class ConnectionsPerAddress implements ChannelListener<StreamConnection> {
    private final ChannelListener<StreamConnection> next;
    private final int max;
    private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();
    private final Metrics.Counter refused;

    ConnectionsPerAddress(ChannelListener<StreamConnection> next, int max, Metrics metrics) {
        this.next = next;
        this.max = max;
        this.refused = metrics.counter("http.connections_refused_per_address");
        metrics.gauge("http.addresses_connected", open::size);
    }

    @Override
    public void handleEvent(StreamConnection connection) {
        InetSocketAddress peer = connection.getPeerAddress(InetSocketAddress.class);
        InetAddress address = peer == null ? null : peer.getAddress();
        if (address == null || !acquire(address)) {
            refused.inc();
            IoUtils.safeClose(connection);
            return;
        }
        connection.setCloseListener(new Release(address));
        next.handleEvent(connection);
    }

    private boolean acquire(InetAddress address) {
        boolean[] ok = {false};
        open.compute(address, (a, n) -> {
            int count = n == null ? 0 : n;
            if (count >= max) {
                return n;
            }
            ok[0] = true;
            return count + 1;
        });
        return ok[0];
    }

    /** Gives back one connection of an address, once, whichever close path runs it. */
    private final class Release implements ChannelListener<StreamConnection> {
        private final InetAddress address;
        private final AtomicBoolean done = new AtomicBoolean();

        Release(InetAddress address) {
            this.address = address;
        }

        @Override
        public void handleEvent(StreamConnection channel) {
            if (done.compareAndSet(false, true)) {
                open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
            }
        }
    }

    /**
     * Runs {@code takeOver}, which hands {@code connection} to Undertow (and Undertow replaces its close listener),
     * then chains the listener set before it back in after Undertow's, so that the connection's count is released
     * when it closes; if it closed already, releases it now.
     */
    static void handOver(StreamConnection connection, Runnable takeOver) {
        ChannelListener<? super StreamConnection> before = connection.getCloseListener();
        takeOver.run();
        ChannelListener<? super StreamConnection> after = connection.getCloseListener();
        if (before == null || after == before) {
            return;
        }
        connection.setCloseListener(c -> {
            ChannelListeners.invokeChannelListener(c, after);
            ChannelListeners.invokeChannelListener(c, before);
        });
        if (!connection.isOpen()) {
            ChannelListeners.invokeChannelListener(connection, before);
        }
    }
}
