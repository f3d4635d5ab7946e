package dev.swarm.peerbridge.health;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The history in one SQLite file ({@code health.sqlite} under the data directory), through
 * xerial's sqlite-jdbc (the SQLite library bundled in the jar for Linux, macOS and Windows).
 *
 * <p>Why SQLite: one file, no server, a format documented and stable for decades, readable with the
 * {@code sqlite3} tool by any operator, and it checks itself ({@code PRAGMA quick_check}). The data are
 * small time series queried by tracker and time range, which an index answers. DuckDB would add a
 * ~60 MB native library for columnar speed these volumes do not need; Chronicle Queue keeps an
 * append-only log but offers no queries, no rollups and no deletion by age.
 *
 * <p>Durability: WAL journal with {@code synchronous=NORMAL}. Every batch is one transaction, committed
 * every {@code flushInterval} (1 s by default) on the store's own thread; a committed transaction
 * survives a crash of the process (kill -9), so a crash loses at most the results of the last
 * interval. (Power loss may also lose the last commits; the file stays consistent.)
 *
 * <p>A file that is not a database or fails {@code PRAGMA quick_check} is refused with a one-line
 * {@link HistoryStoreException} naming it; it is never dropped or recreated.
 *
 * <p>Layout: {@code results} keeps every probe and announce result for {@code rawRetention};
 * {@code tracker_minute}/{@code tracker_hour} and {@code torrent_minute}/{@code torrent_hour} are
 * rollups updated as results are written and kept for {@code rollupRetention}; {@code torrent_samples}
 * keeps torrent samples for {@code rawRetention}.
 */
public final class SqliteHistoryStore implements HistoryStore {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteHistoryStore.class);
    /** File name under the data directory. */
    public static final String FILE = "health.sqlite";
    private static final int SCHEMA_VERSION = 1;
    private static final long MINUTE = 60_000;
    private static final long HOUR = 3_600_000;
    private static final int QUEUE = 100_000;

    private final Path file;
    private final LongSupplier clock;
    private final long rawRetention;
    private final long rollupRetention;
    private final long flushMillis;
    private final Connection writer;
    private final Connection reader;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    private volatile boolean closing;
    private long lastPrune;

    private record Marker(CountDownLatch done) {
    }

    private SqliteHistoryStore(Path file, LongSupplier clock, Duration rawRetention, Duration rollupRetention,
            Duration flushInterval) throws SQLException {
        this.file = file;
        this.clock = clock;
        this.rawRetention = rawRetention.toMillis();
        this.rollupRetention = rollupRetention.toMillis();
        this.flushMillis = Math.max(10, flushInterval.toMillis());
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
        cfg.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        cfg.setBusyTimeout(5_000);
        this.writer = DriverManager.getConnection("jdbc:sqlite:" + file, cfg.toProperties());
        Connection r = null;
        try {
            check(writer);
            migrate(writer);
            r = DriverManager.getConnection("jdbc:sqlite:" + file, cfg.toProperties());
        } catch (SQLException | RuntimeException e) {
            closeQuietly(writer);
            closeQuietly(r);
            throw e;
        }
        this.reader = r;
        writer.setAutoCommit(false);
        this.thread = new Thread(this::run, "pb-history-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Opens (or creates) {@code dataDir/health.sqlite}.
     *
     * @throws HistoryStoreException with a one-line message naming the file when it cannot be used
     */
    public static SqliteHistoryStore open(Path dataDir, LongSupplier clock, Duration rawRetention,
            Duration rollupRetention, Duration flushInterval) {
        Path f = dataDir.resolve(FILE);
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new HistoryStoreException("cannot create data directory " + dataDir + ": " + e.getMessage(), e);
        }
        if (Files.exists(f) && !Files.isRegularFile(f)) {
            throw new HistoryStoreException("history file " + f + " is not a regular file");
        }
        try {
            return new SqliteHistoryStore(f, clock, rawRetention, rollupRetention, flushInterval);
        } catch (HistoryStoreException e) {
            throw e;
        } catch (SQLException e) {
            throw new HistoryStoreException("history file " + f + " cannot be used (" + oneLine(e.getMessage())
                    + "); it was left as it is: move it away or restore a copy", e);
        }
    }

    private void check(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA quick_check")) {
            String first = rs.next() ? rs.getString(1) : "no answer";
            if (!"ok".equalsIgnoreCase(first)) {
                throw new HistoryStoreException("history file " + file + " is corrupt (quick_check: " + oneLine(first)
                        + "); it was left as it is: move it away or restore a copy");
            }
        }
    }

    private void migrate(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            int version;
            try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
                version = rs.next() ? rs.getInt(1) : 0;
            }
            if (version > SCHEMA_VERSION) {
                throw new HistoryStoreException("history file " + file + " has schema version " + version
                        + ", newer than this bridge knows (" + SCHEMA_VERSION + ")");
            }
            s.executeUpdate("CREATE TABLE IF NOT EXISTS results (url TEXT NOT NULL, family TEXT, at INTEGER NOT NULL, "
                    + "kind TEXT NOT NULL, ok INTEGER NOT NULL, latency_ms INTEGER NOT NULL, seeders INTEGER, "
                    + "leechers INTEGER, downloads INTEGER, peers INTEGER, error TEXT, torrent TEXT)");
            s.executeUpdate("CREATE INDEX IF NOT EXISTS results_url_at ON results (url, at)");
            s.executeUpdate("CREATE INDEX IF NOT EXISTS results_at ON results (at)");
            for (String t : List.of("tracker_minute", "tracker_hour")) {
                s.executeUpdate("CREATE TABLE IF NOT EXISTS " + t + " (url TEXT NOT NULL, bucket INTEGER NOT NULL, "
                        + "probes INTEGER NOT NULL, probes_ok INTEGER NOT NULL, announces INTEGER NOT NULL, "
                        + "announces_ok INTEGER NOT NULL, lat_sum INTEGER NOT NULL, lat_n INTEGER NOT NULL, "
                        + "seeders INTEGER, leechers INTEGER, downloads INTEGER, PRIMARY KEY (url, bucket))");
            }
            s.executeUpdate("CREATE TABLE IF NOT EXISTS torrent_samples (hash TEXT NOT NULL, at INTEGER NOT NULL, "
                    + "peers INTEGER NOT NULL, seeds INTEGER, leechers INTEGER, availability REAL)");
            s.executeUpdate("CREATE INDEX IF NOT EXISTS torrent_samples_hash_at ON torrent_samples (hash, at)");
            for (String t : List.of("torrent_minute", "torrent_hour")) {
                s.executeUpdate("CREATE TABLE IF NOT EXISTS " + t + " (hash TEXT NOT NULL, bucket INTEGER NOT NULL, "
                        + "samples INTEGER NOT NULL, peers_sum INTEGER NOT NULL, seeds_sum INTEGER NOT NULL, "
                        + "seeds_n INTEGER NOT NULL, leechers_sum INTEGER NOT NULL, avail_sum REAL NOT NULL, "
                        + "avail_n INTEGER NOT NULL, avail_min REAL, PRIMARY KEY (hash, bucket))");
            }
            s.executeUpdate("PRAGMA user_version = " + SCHEMA_VERSION);
        }
    }

    @Override
    public void record(ProbeResult result) {
        offer(result);
    }

    @Override
    public void record(TorrentHealth sample) {
        offer(sample);
    }

    private void offer(Object o) {
        if (closing || !queue.offer(o)) {
            dropped.incrementAndGet();
        }
    }

    @Override
    public long dropped() {
        return dropped.get();
    }

    @Override
    public void flush() {
        if (closing) {
            return;
        }
        Marker m = new Marker(new CountDownLatch(1));
        try {
            if (queue.offer(m, 5, TimeUnit.SECONDS)) {
                m.done().await(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        List<Object> batch = new ArrayList<>();
        while (true) {
            try {
                Object first = queue.poll(flushMillis, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(flushMillis);
                    // gather what arrives within the interval (or until a flush marker) into one commit
                    while (!(batch.get(batch.size() - 1) instanceof Marker)) {
                        long left = until - System.nanoTime();
                        Object o = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                        if (o == null) {
                            break;
                        }
                        batch.add(o);
                    }
                }
            } catch (InterruptedException e) {
                queue.drainTo(batch);
                write(batch);
                return;
            }
            write(batch);
            batch.clear();
            if (closing && queue.isEmpty()) {
                return;
            }
        }
    }

    private void write(List<Object> batch) {
        List<CountDownLatch> markers = new ArrayList<>();
        try {
            if (batch.stream().anyMatch(o -> !(o instanceof Marker))) {
                writeBatch(batch);
            }
            prune();
        } catch (SQLException | RuntimeException e) {
            LOG.error("history file {}: writing {} records failed: {}", file, batch.size(), oneLine(e.getMessage()));
            try {
                writer.rollback();
            } catch (SQLException ignored) {
                // the next batch tries again
            }
        } finally {
            for (Object o : batch) {
                if (o instanceof Marker m) {
                    markers.add(m.done());
                }
            }
            markers.forEach(CountDownLatch::countDown);
        }
    }

    private void writeBatch(List<Object> batch) throws SQLException {
        try (PreparedStatement res = writer.prepareStatement("INSERT INTO results (url, family, at, kind, ok, "
                + "latency_ms, seeders, leechers, downloads, peers, error, torrent) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
                PreparedStatement min = writer.prepareStatement(trackerUpsert("tracker_minute"));
                PreparedStatement hour = writer.prepareStatement(trackerUpsert("tracker_hour"));
                PreparedStatement sample = writer.prepareStatement("INSERT INTO torrent_samples (hash, at, peers, "
                        + "seeds, leechers, availability) VALUES (?,?,?,?,?,?)");
                PreparedStatement tmin = writer.prepareStatement(torrentUpsert("torrent_minute"));
                PreparedStatement thour = writer.prepareStatement(torrentUpsert("torrent_hour"))) {
            for (Object o : batch) {
                if (o instanceof ProbeResult r) {
                    res.setString(1, r.url());
                    res.setString(2, r.family());
                    res.setLong(3, r.atMillis());
                    res.setString(4, r.kind());
                    res.setInt(5, r.ok() ? 1 : 0);
                    res.setLong(6, r.latencyMillis());
                    setLong(res, 7, r.seeders());
                    setLong(res, 8, r.leechers());
                    setLong(res, 9, r.downloads());
                    setLong(res, 10, r.peers() == null ? null : r.peers().longValue());
                    res.setString(11, r.error());
                    res.setString(12, r.torrent());
                    res.addBatch();
                    bindTracker(min, r, MINUTE);
                    bindTracker(hour, r, HOUR);
                } else if (o instanceof TorrentHealth t) {
                    sample.setString(1, t.infoHash());
                    sample.setLong(2, t.atMillis());
                    sample.setInt(3, t.peersConnected());
                    setLong(sample, 4, t.seeds() == null ? null : t.seeds().longValue());
                    setLong(sample, 5, t.leechers() == null ? null : t.leechers().longValue());
                    if (t.availability() == null) {
                        sample.setNull(6, Types.REAL);
                    } else {
                        sample.setDouble(6, t.availability());
                    }
                    sample.addBatch();
                    bindTorrent(tmin, t, MINUTE);
                    bindTorrent(thour, t, HOUR);
                }
            }
            res.executeBatch();
            min.executeBatch();
            hour.executeBatch();
            sample.executeBatch();
            tmin.executeBatch();
            thour.executeBatch();
            writer.commit();
        }
    }

    private static String trackerUpsert(String table) {
        return "INSERT INTO " + table + " (url, bucket, probes, probes_ok, announces, announces_ok, lat_sum, lat_n, "
                + "seeders, leechers, downloads) VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (url, bucket) DO UPDATE SET "
                + "probes = probes + excluded.probes, probes_ok = probes_ok + excluded.probes_ok, "
                + "announces = announces + excluded.announces, announces_ok = announces_ok + excluded.announces_ok, "
                + "lat_sum = lat_sum + excluded.lat_sum, lat_n = lat_n + excluded.lat_n, "
                + "seeders = coalesce(excluded.seeders, seeders), leechers = coalesce(excluded.leechers, leechers), "
                + "downloads = coalesce(excluded.downloads, downloads)";
    }

    private static void bindTracker(PreparedStatement p, ProbeResult r, long size) throws SQLException {
        boolean probe = r.isProbe();
        p.setString(1, r.url());
        p.setLong(2, r.atMillis() - Math.floorMod(r.atMillis(), size));
        p.setInt(3, probe ? 1 : 0);
        p.setInt(4, probe && r.ok() ? 1 : 0);
        p.setInt(5, probe ? 0 : 1);
        p.setInt(6, !probe && r.ok() ? 1 : 0);
        p.setLong(7, probe && r.ok() ? r.latencyMillis() : 0);
        p.setInt(8, probe && r.ok() ? 1 : 0);
        setLong(p, 9, r.ok() ? r.seeders() : null);
        setLong(p, 10, r.ok() ? r.leechers() : null);
        setLong(p, 11, r.ok() ? r.downloads() : null);
        p.addBatch();
    }

    private static String torrentUpsert(String table) {
        return "INSERT INTO " + table + " (hash, bucket, samples, peers_sum, seeds_sum, seeds_n, leechers_sum, "
                + "avail_sum, avail_n, avail_min) VALUES (?,?,1,?,?,?,?,?,?,?) ON CONFLICT (hash, bucket) DO UPDATE SET "
                + "samples = samples + 1, peers_sum = peers_sum + excluded.peers_sum, "
                + "seeds_sum = seeds_sum + excluded.seeds_sum, seeds_n = seeds_n + excluded.seeds_n, "
                + "leechers_sum = leechers_sum + excluded.leechers_sum, avail_sum = avail_sum + excluded.avail_sum, "
                + "avail_n = avail_n + excluded.avail_n, avail_min = CASE WHEN excluded.avail_min IS NULL THEN avail_min "
                + "WHEN avail_min IS NULL THEN excluded.avail_min ELSE min(avail_min, excluded.avail_min) END";
    }

    private static void bindTorrent(PreparedStatement p, TorrentHealth t, long size) throws SQLException {
        boolean known = t.seeds() != null;
        p.setString(1, t.infoHash());
        p.setLong(2, t.atMillis() - Math.floorMod(t.atMillis(), size));
        p.setInt(3, t.peersConnected());
        p.setInt(4, known ? t.seeds() : 0);
        p.setInt(5, known ? 1 : 0);
        p.setInt(6, known && t.leechers() != null ? t.leechers() : 0);
        p.setDouble(7, t.availability() == null ? 0 : t.availability());
        p.setInt(8, t.availability() == null ? 0 : 1);
        if (t.availability() == null) {
            p.setNull(9, Types.REAL);
        } else {
            p.setDouble(9, t.availability());
        }
        p.addBatch();
    }

    private void prune() throws SQLException {
        long now = clock.getAsLong();
        if (now - lastPrune < MINUTE) {
            return;
        }
        lastPrune = now;
        try (Statement s = writer.createStatement()) {
            long raw = now - rawRetention;
            long roll = now - rollupRetention;
            s.executeUpdate("DELETE FROM results WHERE at < " + raw);
            s.executeUpdate("DELETE FROM torrent_samples WHERE at < " + raw);
            for (String t : List.of("tracker_minute", "tracker_hour", "torrent_minute", "torrent_hour")) {
                s.executeUpdate("DELETE FROM " + t + " WHERE bucket < " + roll);
            }
        }
        writer.commit();
    }

    private static void setLong(PreparedStatement p, int i, Long v) throws SQLException {
        if (v == null) {
            p.setNull(i, Types.INTEGER);
        } else {
            p.setLong(i, v);
        }
    }

    private static Long getLong(ResultSet rs, String col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : v;
    }

    private static Double getDouble(ResultSet rs, String col) throws SQLException {
        double v = rs.getDouble(col);
        return rs.wasNull() ? null : v;
    }

    /** raw up to 2 h, minute up to 3 days, hour beyond. */
    static String resolution(long from, long to) {
        long span = to - from;
        return span <= 2 * HOUR ? "raw" : span <= 72 * HOUR ? "minute" : "hour";
    }

    @Override
    public synchronized List<HistoryPoint> trackerHistory(String url, long fromMillis, long toMillis) {
        String res = resolution(fromMillis, toMillis);
        try {
            if (res.equals("raw")) {
                return select("SELECT * FROM results WHERE url = ? AND at >= ? AND at < ? ORDER BY at LIMIT 100000",
                        url, fromMillis, toMillis, rs -> {
                            ProbeResult r = result(rs);
                            boolean probe = r.isProbe();
                            return new HistoryPoint(r.atMillis(), res, probe ? 1 : 0, probe && r.ok() ? 1 : 0,
                                    probe ? 0 : 1, !probe && r.ok() ? 1 : 0, probe ? (r.ok() ? 100.0 : 0.0) : null,
                                    probe && r.ok() ? (double) r.latencyMillis() : null, r.seeders(), r.leechers(),
                                    r.downloads());
                        });
            }
            String table = res.equals("minute") ? "tracker_minute" : "tracker_hour";
            return select("SELECT * FROM " + table + " WHERE url = ? AND bucket >= ? AND bucket < ? ORDER BY bucket"
                    + " LIMIT 100000", url, bucketStart(fromMillis, res), toMillis, rs -> {
                        int probes = rs.getInt("probes");
                        int ok = rs.getInt("probes_ok");
                        long latN = rs.getLong("lat_n");
                        return new HistoryPoint(rs.getLong("bucket"), res, probes, ok, rs.getInt("announces"),
                                rs.getInt("announces_ok"), probes == 0 ? null : 100.0 * ok / probes,
                                latN == 0 ? null : (double) rs.getLong("lat_sum") / latN, getLong(rs, "seeders"),
                                getLong(rs, "leechers"), getLong(rs, "downloads"));
                    });
        } catch (SQLException e) {
            throw readFailed(e);
        }
    }

    @Override
    public synchronized List<TorrentPoint> torrentHistory(String infoHash, long fromMillis, long toMillis) {
        String res = resolution(fromMillis, toMillis);
        try {
            if (res.equals("raw")) {
                return select("SELECT * FROM torrent_samples WHERE hash = ? AND at >= ? AND at < ? ORDER BY at"
                        + " LIMIT 100000", infoHash, fromMillis, toMillis, rs -> {
                            Long seeds = getLong(rs, "seeds");
                            Long leechers = getLong(rs, "leechers");
                            Double a = getDouble(rs, "availability");
                            return new TorrentPoint(rs.getLong("at"), res, 1, rs.getInt("peers"),
                                    seeds == null ? null : seeds.doubleValue(),
                                    leechers == null ? null : leechers.doubleValue(), a, a);
                        });
            }
            String table = res.equals("minute") ? "torrent_minute" : "torrent_hour";
            return select("SELECT * FROM " + table + " WHERE hash = ? AND bucket >= ? AND bucket < ? ORDER BY bucket"
                    + " LIMIT 100000", infoHash, bucketStart(fromMillis, res), toMillis, rs -> {
                        int n = rs.getInt("samples");
                        int sn = rs.getInt("seeds_n");
                        int an = rs.getInt("avail_n");
                        return new TorrentPoint(rs.getLong("bucket"), res, n, (double) rs.getLong("peers_sum") / n,
                                sn == 0 ? null : (double) rs.getLong("seeds_sum") / sn,
                                sn == 0 ? null : (double) rs.getLong("leechers_sum") / sn,
                                an == 0 ? null : rs.getDouble("avail_sum") / an, getDouble(rs, "avail_min"));
                    });
        } catch (SQLException e) {
            throw readFailed(e);
        }
    }

    /** The start of the rollup bucket ({@code minute} or {@code hour}) that holds {@code millis}. */
    private static long bucketStart(long millis, String res) {
        return millis - Math.floorMod(millis, res.equals("minute") ? MINUTE : HOUR);
    }

    /** One row of a history query, read into a point. */
    @FunctionalInterface
    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** The rows of {@code sql} (its parameters: a key, then the time span), each read by {@code row}, in order. */
    private <T> List<T> select(String sql, String key, long from, long to, Row<T> row) throws SQLException {
        List<T> out = new ArrayList<>();
        try (PreparedStatement p = reader.prepareStatement(sql)) {
            p.setString(1, key);
            p.setLong(2, from);
            p.setLong(3, to);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(row.read(rs));
                }
            }
        }
        return out;
    }

    @Override
    public synchronized List<ProbeResult> recent(String url, int n) {
        List<ProbeResult> out = new ArrayList<>();
        try (PreparedStatement p = reader.prepareStatement("SELECT * FROM results WHERE url = ? ORDER BY at DESC, "
                + "rowid DESC LIMIT ?")) {
            p.setString(1, url);
            p.setInt(2, Math.max(0, n));
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(result(rs));
                }
            }
        } catch (SQLException e) {
            throw readFailed(e);
        }
        return out;
    }

    @Override
    public synchronized Double uptime(String url, long fromMillis, long toMillis) {
        try (PreparedStatement p = reader.prepareStatement("SELECT sum(probes), sum(probes_ok) FROM tracker_minute "
                + "WHERE url = ? AND bucket >= ? AND bucket < ?")) {
            p.setString(1, url);
            p.setLong(2, fromMillis - Math.floorMod(fromMillis, MINUTE));
            p.setLong(3, toMillis);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                long probes = rs.getLong(1);
                long ok = rs.getLong(2);
                return probes == 0 ? null : 100.0 * ok / probes;
            }
        } catch (SQLException e) {
            throw readFailed(e);
        }
    }

    @Override
    public synchronized List<String> trackerUrls() {
        List<String> out = new ArrayList<>();
        try (Statement s = reader.createStatement();
                ResultSet rs = s.executeQuery("SELECT DISTINCT url FROM tracker_minute ORDER BY url LIMIT 100000")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw readFailed(e);
        }
        return out;
    }

    private static ProbeResult result(ResultSet rs) throws SQLException {
        Long peers = getLong(rs, "peers");
        return new ProbeResult(rs.getString("url"), rs.getString("family"), rs.getLong("at"), rs.getString("kind"),
                rs.getInt("ok") == 1, rs.getLong("latency_ms"), getLong(rs, "seeders"), getLong(rs, "leechers"),
                getLong(rs, "downloads"), peers == null ? null : peers.intValue(), rs.getString("error"),
                rs.getString("torrent"));
    }

    private HistoryStoreException readFailed(SQLException e) {
        return new HistoryStoreException("history file " + file + ": read failed: " + oneLine(e.getMessage()), e);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").strip();
    }

    /** Commits what is queued and closes the file. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        try {
            thread.join(Math.max(5_000, 5 * flushMillis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
        }
        synchronized (this) {
            closeQuietly(reader);
        }
        closeQuietly(writer);
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing
            }
        }
    }
}
