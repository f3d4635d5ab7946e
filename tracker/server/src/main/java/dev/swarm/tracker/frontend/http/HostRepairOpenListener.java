package dev.swarm.tracker.frontend.http;

import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.protocol.http.HttpOpenListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;
import org.xnio.conduits.ConduitStreamSourceChannel;

/**
 * Reads the head of a connection's first request before Undertow does, brackets an IPv6 literal in its Host header
 * ({@link UnbracketedIpv6Host}), and hands the connection with those bytes to Undertow's {@link HttpOpenListener}, the
 * way Undertow's own PROXY-protocol listener hands over what it read. Undertow 2.4 checks the Host header before any
 * handler runs and offers no option to relax it, so this is the one place left where libtorrent's {@code Host: ::1:PORT}
 * can be made acceptable.
 *
 * <p>Bounds: the head is read into one of Undertow's pooled buffers (nothing is copied unless a Host line holds two
 * colons, nor allocated unless the listener has to wait for the rest of the head); if
 * the buffer fills or the peer closes before the head is complete, the bytes are handed over unchanged and Undertow
 * answers as it would have. A connection that has not sent a whole head within {@code timeoutMillis} is closed.
 * Only the first request of a connection is looked at: libtorrent sends one request per connection
 * ({@code Connection: close}).
 */
final class HostRepairOpenListener implements ChannelListener<StreamConnection> {
    private final HttpOpenListener next;
    private final long timeoutMillis;

    HostRepairOpenListener(HttpOpenListener next, long timeoutMillis) {
        this.next = next;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public void handleEvent(StreamConnection connection) {
        FirstHead head = new FirstHead(connection, next.getBufferPool().allocate());
        if (Thread.currentThread() == connection.getIoThread()) {
            head.start();
        } else {
            connection.getIoThread().execute(head::start);
        }
    }

    /** The reading of one connection's first request head; every method runs on the connection's I/O thread. */
    private final class FirstHead implements ChannelListener<ConduitStreamSourceChannel>, Runnable {
        private final StreamConnection connection;
        private final PooledByteBuffer pooled;
        private XnioExecutor.Key timeout; // null until the first wait
        private boolean finished;

        FirstHead(StreamConnection connection, PooledByteBuffer pooled) {
            this.connection = connection;
            this.pooled = pooled;
        }

        void start() {
            ConduitStreamSourceChannel source = connection.getSourceChannel();
            source.getReadSetter().set(this);
            handleEvent(source);
        }

        /** The timeout: no complete head in time. */
        @Override
        public void run() {
            if (!finished) {
                finished = true;
                pooled.close();
                IoUtils.safeClose(connection);
            }
        }

        @Override
        public void handleEvent(ConduitStreamSourceChannel source) {
            if (finished) {
                return;
            }
            ByteBuffer b = pooled.getBuffer();
            int end = -1;
            int n;
            try {
                do {
                    n = source.read(b);
                    end = UnbracketedIpv6Host.headEnd(b, b.position());
                } while (n > 0 && end < 0 && b.hasRemaining());
            } catch (IOException e) {
                run();
                return;
            }
            if (end < 0 && n >= 0 && b.hasRemaining()) {
                if (timeout == null) { // scheduled only when there is something to wait for
                    timeout = connection.getIoThread().executeAfter(this, timeoutMillis, TimeUnit.MILLISECONDS);
                }
                source.resumeReads(); // more of the head is on its way
                return;
            }
            finished = true;
            if (timeout != null) {
                timeout.remove();
            }
            source.suspendReads();
            source.getReadSetter().set(null);
            if (b.position() == 0) { // closed before sending anything
                pooled.close();
                IoUtils.safeClose(connection);
                return;
            }
            if (end > 0 && UnbracketedIpv6Host.mayNeedRepair(b, end)) {
                repair(b, end);
            }
            b.flip();
            next.handleEvent(connection, pooled);
        }

        /** Replaces the head {@code [0, end)} with its repaired form if it needs one and the buffer has room. */
        private void repair(ByteBuffer b, int end) {
            byte[] head = new byte[end];
            b.get(0, head);
            byte[] fixed = UnbracketedIpv6Host.repair(head, end);
            int rest = b.position() - end;
            if (fixed == null || fixed.length + rest > b.capacity()) {
                return;
            }
            byte[] tail = new byte[rest];
            b.get(end, tail);
            b.clear();
            b.put(fixed).put(tail);
        }
    }
}
