package dev.swarm.tracker.frontend.http;

import dev.swarm.tracker.config.TrackerConfig;
import dev.swarm.tracker.logic.TrackerLogic;
import dev.swarm.tracker.metrics.Metrics;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.protocol.http.HttpOpenListener;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;

/**
 * The HTTP frontend on Undertow: {@code /announce}, {@code /scrape} (also with a trailing {@code /<passkey>}
 * path segment), {@code /metrics}, {@code /stats}, the status page at {@code /}. Requests are answered on the I/O threads, without hand-off
 * to a worker pool: the store never blocks. HTTP/1.1 keep-alive is on.
 *
 * <p>The listener is assembled from Undertow's parts (XNIO worker, {@link HttpOpenListener}) rather than with
 * {@code Undertow.builder()}, with the options the builder would set, so that {@link HostRepairOpenListener} can see
 * a connection's first bytes before Undertow's parser: Undertow 2.4 refuses the unbracketed IPv6 Host header that
 * libtorrent sends, before any handler runs, and the builder has no hook in front of that check.
 */
public final class HttpFrontend implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpFrontend.class);
    /** Request line and headers together; an announce URL is far below this (see HttpQueryParser.MAX_QUERY_LENGTH). */
    static final int MAX_HEADER_SIZE = 16 * 1024;
    /** Undertow's default buffer size for a JVM with more than 128 MiB of heap (and the largest head read at once). */
    private static final int BUFFER_SIZE = 16 * 1024 - 20;

    private final XnioWorker worker;
    private final AcceptingChannel<StreamConnection> channel;
    private final HttpOpenListener http;
    private final DefaultByteBufferPool buffers;
    private final InetSocketAddress address;

    private HttpFrontend(XnioWorker worker, AcceptingChannel<StreamConnection> channel, HttpOpenListener http,
                         DefaultByteBufferPool buffers, InetSocketAddress address) {
        this.worker = worker;
        this.channel = channel;
        this.http = http;
        this.buffers = buffers;
        this.address = address;
    }

    public static HttpFrontend start(TrackerConfig cfg, TrackerLogic logic, Metrics metrics) throws Exception {
        return start(cfg, logic, metrics, NodeStatus.ALONE);
    }

    /** @param node what {@code /stats} and {@code /health} say about this node beyond the store */
    public static HttpFrontend start(TrackerConfig cfg, TrackerLogic logic, Metrics metrics, NodeStatus node)
            throws Exception {
        TrackerConfig.Http h = cfg.http();
        InetSocketAddress addr = h.listen().resolve();
        TrackerHttpHandler handler = new TrackerHttpHandler(cfg, logic, metrics, node);
        int idleMs = (int) Math.min(Integer.MAX_VALUE, h.idleTimeout().toMillis());
        OptionMap serverOptions = OptionMap.builder()
                .set(UndertowOptions.DECODE_URL, false)
                .set(UndertowOptions.ALLOW_UNESCAPED_CHARACTERS_IN_URL, true)
                .set(UndertowOptions.MAX_HEADER_SIZE, MAX_HEADER_SIZE)
                .set(UndertowOptions.MAX_ENTITY_SIZE, 0L)
                .set(UndertowOptions.IDLE_TIMEOUT, idleMs)
                .set(UndertowOptions.NO_REQUEST_TIMEOUT, idleMs)
                .set(UndertowOptions.REQUEST_PARSE_TIMEOUT, 30_000)
                .set(UndertowOptions.RECORD_REQUEST_START_TIME, false)
                .getMap();
        XnioWorker worker = Xnio.getInstance(Undertow.class.getClassLoader()).createWorker(OptionMap.builder()
                .set(Options.WORKER_NAME, "http")
                .set(Options.WORKER_IO_THREADS, h.ioThreads())
                // full scrape (one at a time) and status page; announces stay on the I/O threads
                .set(Options.WORKER_TASK_CORE_THREADS, 2)
                .set(Options.WORKER_TASK_MAX_THREADS, 2)
                .set(Options.TCP_NODELAY, true)
                .set(Options.CORK, true)
                .getMap());
        DefaultByteBufferPool buffers = new DefaultByteBufferPool(true, BUFFER_SIZE, -1, 4);
        try {
            HttpOpenListener http = new HttpOpenListener(buffers, serverOptions);
            http.setRootHandler(handler);
            Metrics.Counter acceptFailed = metrics.counter("http.accept_failed");
            // Only an IPv6 listener can meet libtorrent's unbracketed "Host: ::1:PORT"; an IPv4 listener hands each
            // connection straight to Undertow, with no head read and no timer of its own per connection.
            ChannelListener<StreamConnection> undertow = addr.getAddress() instanceof Inet6Address
                    ? new HostRepairOpenListener(http, idleMs)
                    : c -> ConnectionsPerAddress.handOver(c, () -> http.handleEvent(c));
            ChannelListener<StreamConnection> open = new ConnectionsPerAddress(undertow,
                    h.maxConnectionsPerAddress(), metrics);
            AcceptingChannel<StreamConnection> channel = worker.createStreamConnectionServer(addr,
                    accepting -> accept(accepting, open, acceptFailed),
                    OptionMap.builder()
                            .set(Options.WORKER_IO_THREADS, h.ioThreads())
                            .set(Options.TCP_NODELAY, true)
                            .set(Options.REUSE_ADDRESSES, true)
                            .set(Options.BALANCING_TOKENS, 1)
                            .set(Options.BALANCING_CONNECTIONS, 2)
                            .set(Options.BACKLOG, 1024)
                            .set(Options.CONNECTION_HIGH_WATER, h.maxConnections())
                            .set(Options.CONNECTION_LOW_WATER, h.maxConnections())
                            .getMap());
            channel.resumeAccepts();
            worker.getIoThread().executeAtInterval(handler::tick, 5, TimeUnit.SECONDS);
            InetSocketAddress bound = channel.getLocalAddress(InetSocketAddress.class);
            LOG.info("HTTP listening on {} ({} I/O thread{})", bound, h.ioThreads(), h.ioThreads() == 1 ? "" : "s");
            return new HttpFrontend(worker, channel, http, buffers, bound);
        } catch (Exception | Error e) {
            stop(worker, buffers);
            throw e;
        }
    }

    /**
     * Accepts one connection and hands it to {@code open}: {@code ChannelListeners.openListenerAdapter} without its
     * error log, which under load at shutdown wrote a stack trace for every connection queued when the channel closed
     * (issue 11). A failure on an open channel (e.g. out of file descriptors) is counted and logged at DEBUG, since it
     * can repeat for every connection attempt.
     */
    private static void accept(AcceptingChannel<StreamConnection> channel, ChannelListener<StreamConnection> open,
                               Metrics.Counter failed) {
        StreamConnection c;
        try {
            c = channel.accept();
        } catch (IOException e) {
            if (channel.isOpen()) {
                failed.inc();
                LOG.debug("HTTP: cannot accept a connection: {}", e.toString());
            }
            return;
        }
        if (c != null) {
            ChannelListeners.invokeChannelListener(c, open);
        }
    }

    public InetSocketAddress address() {
        return address;
    }

    /**
     * Stops accepting, lets the I/O threads run what the listening channel already queued on them (XNIO's balancing
     * of accepts between I/O threads posts tasks from one thread to another: run after the worker began to stop, each
     * failed with {@code RejectedExecutionException: XNIO007007} and a logged stack trace, issue 11), closes the open
     * connections (a request in flight is answered, or its connection is closed), then stops the worker.
     */
    @Override
    public void close() {
        channel.suspendAccepts();
        IoUtils.safeClose(channel);
        drainIoThreads();
        http.closeConnections();
        stop(worker, buffers);
    }

    /** Waits (up to 5 s) until every I/O thread has run the tasks queued on it so far. */
    private void drainIoThreads() {
        int n = worker.getIoThreadCount();
        CountDownLatch done = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            worker.getIoThread(i).execute(done::countDown);
        }
        try {
            done.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void stop(XnioWorker worker, DefaultByteBufferPool buffers) {
        worker.shutdownNow();
        try {
            worker.awaitTermination();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        buffers.close();
    }
}
