package dev.swarm.tracker.admin;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.swarm.protocol.InfoHash;
import dev.swarm.tracker.metrics.Metrics;
import dev.swarm.tracker.registry.AccountView;
import dev.swarm.tracker.registry.Registry;
import dev.swarm.tracker.registry.RegistryException;
import dev.swarm.tracker.registry.Torrent;
import dev.swarm.tracker.registry.User;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import dev.swarm.tracker.registry.Standings;
import java.util.ArrayList;
import java.util.Deque;
import java.util.TreeSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API: JSON over HTTP, every request authenticated by {@link BearerToken}. Requests run on Undertow's
 * worker threads (registry changes fsync). The routes are listed in README.md, section "Admin API".
 */
final class AdminHandler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);
    static final int MAX_BODY = 64 * 1024;
    private static final int MAX_ROWS = 100_000;
    private static final HttpString PATCH = new HttpString("PATCH");
    /** Duplicate keys in a body are refused (issue 11), not silently resolved to the last one. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(JsonParser.Feature.STRICT_DUPLICATE_DETECTION, true);

    /** A request that cannot be served; becomes {@code {"error": message}} with the status. */
    private static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        Refusal(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private final BearerToken token;
    private final Registry registry;
    private final AccessListControl accessLists;
    private final Metrics.Counter requests;
    private final Metrics.Counter unauthorized;

    AdminHandler(BearerToken token, Registry registry, AccessListControl accessLists, Metrics metrics) {
        this.token = token;
        this.registry = registry;
        this.accessLists = accessLists;
        this.requests = metrics.counter("admin.requests");
        this.unauthorized = metrics.counter("admin.unauthorized");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (exchange.isInIoThread()) {
            exchange.dispatch(this);
            return;
        }
        exchange.startBlocking();
        if (!token.accepts(exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION))) {
            unauthorized.inc();
            exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer realm=\"tracker-admin\"");
            error(exchange, 401, "missing or wrong bearer token");
            return;
        }
        requests.inc();
        try {
            route(exchange);
        } catch (Refusal r) {
            error(exchange, r.status, r.getMessage());
        } catch (RegistryException e) {
            error(exchange, switch (e.kind()) {
                case NOT_FOUND -> 404;
                case CONFLICT -> 409;
                case INVALID -> 400;
                case FULL -> 507;
                case IO -> 500;
                case UNAVAILABLE -> 503;
            }, e.getMessage());
            if (e.kind() == RegistryException.Kind.UNAVAILABLE) {
                LOG.warn("admin {} {}: {}", exchange.getRequestMethod(), exchange.getRequestPath(), e.getMessage());
            }
            if (e.kind() == RegistryException.Kind.IO) {
                LOG.error("admin {} {}: {}", exchange.getRequestMethod(), exchange.getRequestPath(), e.getMessage(), e);
            }
        } catch (RuntimeException e) {
            LOG.error("admin {} {} failed", exchange.getRequestMethod(), exchange.getRequestPath(), e);
            error(exchange, 500, "internal error");
        }
    }

    private void route(HttpServerExchange ex) {
        String[] p = segments(ex.getRequestPath());
        HttpString m = ex.getRequestMethod();
        switch (p.length == 0 ? "" : p[0]) {
            case "users" -> users(ex, m, p);
            case "torrents" -> torrents(ex, m, p);
            case "accounting" -> accounting(ex, m, p);
            case "members" -> members(ex, m, p);
            case "access-list" -> accessList(ex, m, p);
            default -> throw new Refusal(404, "no such resource; see /users, /torrents, /accounting, /members, /access-list");
        }
    }

    private static String[] segments(String path) {
        String t = path.startsWith("/") ? path.substring(1) : path;
        if (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        return t.isEmpty() ? new String[0] : t.split("/", -1);
    }

    // ---- users ----

    private void users(HttpServerExchange ex, HttpString m, String[] p) {
        if (p.length == 1) {
            if (Methods.GET.equals(m)) {
                ArrayNode a = JSON.createArrayNode();
                registry.users().forEach(u -> a.add(user(u)));
                send(ex, 200, a);
            } else if (Methods.POST.equals(m)) {
                JsonNode b = body(ex, Set.of("name", "enabled", "may_download"));
                String name = text(b, "name");
                User u = registry.addUser(name, bool(b, "enabled", true), bool(b, "may_download", true));
                LOG.info("admin: added user {}", u.name());
                send(ex, 201, user(u));
            } else {
                throw notAllowed("GET, POST");
            }
            return;
        }
        String name = p[1];
        if (p.length == 2) {
            if (Methods.GET.equals(m)) {
                User u = registry.user(name);
                if (u == null) {
                    throw new Refusal(404, "no user '" + name + "'");
                }
                send(ex, 200, user(u));
            } else if (PATCH.equals(m)) {
                JsonNode b = body(ex, Set.of("enabled", "may_download"));
                User u = registry.updateUser(name, optBool(b, "enabled"), optBool(b, "may_download"));
                LOG.info("admin: changed user {}: enabled={}, may_download={}", name, u.enabled(), u.mayDownload());
                send(ex, 200, user(u));
            } else if (Methods.DELETE.equals(m)) {
                registry.removeUser(name);
                LOG.info("admin: removed user {}", name);
                noContent(ex);
            } else {
                throw notAllowed("GET, PATCH, DELETE");
            }
            return;
        }
        if (p.length == 3 && p[2].equals("torrent")) {
            if (!Methods.POST.equals(m)) {
                throw notAllowed("POST");
            }
            torrentFile(ex, name);
            return;
        }
        if (p.length == 3 && p[2].equals("passkey")) {
            if (!Methods.POST.equals(m)) {
                throw notAllowed("POST");
            }
            User u = registry.rotatePasskey(name);
            LOG.info("admin: rotated the passkey of user {}", name);
            send(ex, 200, user(u));
            return;
        }
        throw new Refusal(404, "no such resource");
    }

    private static ObjectNode user(User u) {
        return JSON.createObjectNode().put("name", u.name()).put("passkey", u.passkey()).put("enabled", u.enabled())
                .put("may_download", u.mayDownload());
    }

    // ---- torrents ----

    private void torrents(HttpServerExchange ex, HttpString m, String[] p) {
        if (p.length == 1) {
            if (!Methods.GET.equals(m)) {
                throw notAllowed("GET");
            }
            ArrayNode a = JSON.createArrayNode();
            registry.torrents().forEach(t -> a.add(torrent(t)));
            send(ex, 200, a);
            return;
        }
        if (p.length == 3 && p[2].equals("stops")) {
            if (!Methods.GET.equals(m)) {
                throw notAllowed("GET");
            }
            stops(ex, infoHash(p[1]));
            return;
        }
        if (p.length != 2) {
            throw new Refusal(404, "no such resource");
        }
        InfoHash ih = infoHash(p[1]);
        if (Methods.GET.equals(m)) {
            Torrent t = registry.torrent(ih);
            if (t == null) {
                throw new Refusal(404, "torrent " + ih + " is not registered");
            }
            send(ex, 200, torrent(t));
        } else if (Methods.PUT.equals(m)) {
            JsonNode b = body(ex, Set.of("freeleech"));
            boolean created = registry.putTorrent(ih, optBool(b, "freeleech"));
            Torrent t = registry.torrent(ih);
            LOG.info("admin: {} torrent {} (freeleech={})", created ? "registered" : "changed", ih, t.freeleech());
            send(ex, created ? 201 : 200, torrent(t));
        } else if (Methods.DELETE.equals(m)) {
            registry.removeTorrent(ih);
            LOG.info("admin: unregistered torrent {}", ih);
            noContent(ex);
        } else {
            throw notAllowed("GET, PUT, DELETE");
        }
    }

    private static ObjectNode torrent(Torrent t) {
        return JSON.createObjectNode().put("info_hash", t.infoHash().toHex()).put("freeleech", t.freeleech())
                .put("added_millis", t.addedMillis());
    }

    /** Seeders and leechers the torrent had at each member's last {@code stopped}. */
    private void stops(HttpServerExchange ex, InfoHash ih) {
        List<MemberStop> rows = new ArrayList<>();
        for (AccountView a : registry.accounting().accounts(null, ih, MAX_ROWS)) {
            if (a.lastStop() != null) {
                rows.add(new MemberStop(a.user(), a.lastStop().seeders(), a.lastStop().leechers(), a.lastStop().atMillis()));
            }
        }
        send(ex, 200, JSON.valueToTree(rows));
    }

    /** The {@code .torrent} in the body with the member's announce URL: {@code ?announce=} plus {@code /<passkey>}. */
    private void torrentFile(HttpServerExchange ex, String name) {
        User u = registry.user(name);
        if (u == null) {
            throw new Refusal(404, "no user '" + name + "'");
        }
        String base = query(ex, "announce");
        if (base == null || !base.matches("(?i)(https?|udp)://[^\\s/?#]+(/[^\\s?#]*)?")) {
            throw new Refusal(400, "query parameter 'announce' is required: the tracker's public announce URL without"
                    + " the passkey, e.g. ?announce=http://tracker.example:6969/announce");
        }
        byte[] raw = rawBody(ex, TorrentFiles.MAX_BYTES);
        byte[] out;
        try {
            out = TorrentFiles.withAnnounce(raw, (base.endsWith("/") ? base : base + "/") + u.passkey());
        } catch (IllegalArgumentException e) {
            throw new Refusal(400, e.getMessage());
        }
        ex.setStatusCode(200);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/x-bittorrent");
        ex.getResponseSender().send(ByteBuffer.wrap(out));
    }

    private static InfoHash infoHash(String hex) {
        try {
            return InfoHash.fromHex(hex);
        } catch (IllegalArgumentException e) {
            throw new Refusal(400, "an info-hash is 40 hex characters");
        }
    }

    // ---- accounting ----

    private void accounting(HttpServerExchange ex, HttpString m, String[] p) {
        if (!Methods.GET.equals(m)) {
            throw notAllowed("GET");
        }
        if (p.length == 2 && p[1].equals("export")) {
            export(ex);
            return;
        }
        if (p.length != 1) {
            throw new Refusal(404, "no such resource; see /accounting and /accounting/export");
        }
        String user = query(ex, "user");
        String hash = query(ex, "info_hash");
        String limitText = query(ex, "limit");
        int limit = MAX_ROWS;
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_ROWS) {
                throw new Refusal(400, "limit must be 1.." + MAX_ROWS);
            }
        }
        List<AccountView> rows = registry.accounting().accounts(user, hash == null ? null : infoHash(hash), limit);
        send(ex, 200, JSON.valueToTree(rows));
    }

    /** Every account as one JSON object per line, streamed. */
    private void export(HttpServerExchange ex) {
        ex.setStatusCode(200);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/x-ndjson");
        try (OutputStream out = ex.getOutputStream()) {
            registry.accounting().forEachAccount(a -> {
                try {
                    out.write(JSON.writeValueAsBytes(a));
                    out.write('\n');
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("accounting export cut short: {}", e.toString());
        }
    }

    // ---- members (ratio rules) ----

    private void members(HttpServerExchange ex, HttpString m, String[] p) {
        if (p.length == 1) {
            if (!Methods.GET.equals(m)) {
                throw notAllowed("GET");
            }
            Set<String> names = new TreeSet<>(registry.accounting().members());
            registry.users().forEach(u -> names.add(u.name()));
            String state = query(ex, "state");
            List<MemberView> rows = new ArrayList<>();
            for (String n : names) {
                MemberView v = MemberView.of(n, registry);
                if (state == null || state.equals(v.state())) {
                    rows.add(v);
                }
                if (rows.size() >= MAX_ROWS) {
                    break;
                }
            }
            send(ex, 200, JSON.valueToTree(rows));
            return;
        }
        String name = p[1];
        if (p.length == 2) {
            if (Methods.GET.equals(m)) {
                if (registry.user(name) == null && !registry.accounting().hasMember(name)) {
                    throw new Refusal(404, "no user '" + name + "'");
                }
                send(ex, 200, JSON.valueToTree(MemberView.of(name, registry)));
            } else if (PATCH.equals(m)) {
                JsonNode b = body(ex, Set.of("override"));
                Standings.Override o = override(text(b, "override"));
                registry.setOverride(name, o);
                LOG.info("admin: member {} override {}", name, text(b, "override"));
                send(ex, 200, JSON.valueToTree(MemberView.of(name, registry)));
            } else {
                throw notAllowed("GET, PATCH");
            }
            return;
        }
        if (p[2].equals("strikes") && (p.length == 3 || p.length == 4)) {
            if (!Methods.DELETE.equals(m)) {
                throw notAllowed("DELETE");
            }
            int n = registry.clearStrikes(name, p.length == 4 ? infoHash(p[3]) : null);
            LOG.info("admin: cleared {} strike(s) of member {}", n, name);
            send(ex, 200, JSON.valueToTree(MemberView.of(name, registry)));
            return;
        }
        throw new Refusal(404, "no such resource; see /members/{name} and /members/{name}/strikes");
    }

    private static Standings.Override override(String text) {
        return switch (text) {
            case "none" -> Standings.Override.NONE;
            case "exempt" -> Standings.Override.EXEMPT;
            case "upload-only" -> Standings.Override.UPLOAD_ONLY;
            default -> throw new Refusal(400, "field 'override' must be \"none\", \"exempt\" or \"upload-only\"");
        };
    }

    // ---- access lists ----

    private void accessList(HttpServerExchange ex, HttpString m, String[] p) {
        if (p.length != 2 || !p[1].equals("reload")) {
            throw new Refusal(404, "no such resource; see /access-list/reload");
        }
        if (!Methods.POST.equals(m)) {
            throw notAllowed("POST");
        }
        if (accessLists == null) {
            throw new Refusal(409, "no info-hash list is configured (access.info-hash-list)");
        }
        try {
            send(ex, 200, JSON.valueToTree(accessLists.reload()));
        } catch (IllegalStateException e) {
            throw new Refusal(422, e.getMessage());
        }
    }

    // ---- plumbing ----

    private static Refusal notAllowed(String allowed) {
        return new Refusal(405, "method not allowed here; use " + allowed);
    }

    private static String query(HttpServerExchange ex, String name) {
        Deque<String> v = ex.getQueryParameters().get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }

    /** The request body as a JSON object with only the {@code allowed} fields; an empty body is an empty object. */
    private static JsonNode body(HttpServerExchange ex, Set<String> allowed) {
        byte[] raw = rawBody(ex, MAX_BODY);
        if (raw.length == 0) {
            return JSON.createObjectNode();
        }
        JsonNode n;
        try {
            n = JSON.readTree(raw);
        } catch (JsonParseException e) {
            String m = e.getOriginalMessage();
            throw new Refusal(400, m != null && m.startsWith("Duplicate field")
                    ? "the body is not valid JSON: " + m.replace('"', '\'') : "the body is not valid JSON");
        } catch (IOException e) {
            throw new Refusal(400, "the body is not valid JSON");
        }
        if (n == null || !n.isObject()) {
            throw new Refusal(400, "the body must be a JSON object");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw new Refusal(400, "unknown field '" + f + "'; allowed: " + String.join(", ", allowed));
            }
        }
        return n;
    }

    /** The request body, at most {@code max} bytes (413 beyond). */
    private static byte[] rawBody(HttpServerExchange ex, long max) {
        if (ex.getRequestContentLength() > max) {
            ex.setPersistent(false); // the unread body must not be taken for the next request
            throw new Refusal(413, "request body over " + max + " bytes");
        }
        ex.setMaxEntitySize(max); // a longer chunked body fails while it is read
        try (InputStream in = ex.getInputStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            ex.setPersistent(false);
            throw new Refusal(e.getMessage() != null && e.getMessage().contains("UT000020") ? 413 : 400,
                    "cannot read the request body: " + e.getMessage());
        }
    }

    private static String text(JsonNode b, String field) {
        JsonNode v = b.get(field);
        if (v == null || !v.isTextual()) {
            throw new Refusal(400, "field '" + field + "' (text) is required");
        }
        return v.asText();
    }

    private static Boolean optBool(JsonNode b, String field) {
        JsonNode v = b.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw new Refusal(400, "field '" + field + "' must be true or false");
        }
        return v.booleanValue();
    }

    private static boolean bool(JsonNode b, String field, boolean dflt) {
        Boolean v = optBool(b, field);
        return v == null ? dflt : v;
    }

    private static void send(HttpServerExchange ex, int status, JsonNode doc) {
        byte[] body;
        try {
            body = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ex.setStatusCode(status);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        ex.getResponseSender().send(ByteBuffer.wrap(body));
    }

    private static void noContent(HttpServerExchange ex) {
        ex.setStatusCode(204);
        ex.endExchange();
    }

    private static void error(HttpServerExchange ex, int status, String message) {
        if (ex.isResponseStarted()) {
            return;
        }
        send(ex, status, JSON.valueToTree(Map.of("error", message)));
    }
}
