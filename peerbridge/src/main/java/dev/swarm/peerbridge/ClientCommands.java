package dev.swarm.peerbridge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.swarm.peerbridge.api.ApiClient;
import dev.swarm.protocol.InfoHash;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The commands that talk to a running bridge over its API: {@code status}, {@code ranking}, {@code remove}.
 * {@code --api} takes {@code host:port} (as {@code run} does) or {@code http://host:port}. Any failure is one
 * line on stderr ({@code peerbridge: cannot reach the bridge API at H:P (connection refused)}) and exit code 1.
 */
final class ClientCommands {
    static final String DEFAULT_API = "127.0.0.1:7881";

    private ClientCommands() {
    }

    /** {@code host:port} from {@code host:port} or {@code http://host:port[/]}; other forms are returned as given. */
    static String hostPort(String api) {
        String a = api.strip();
        if (a.regionMatches(true, 0, "http://", 0, 7)) {
            a = a.substring(7);
        }
        while (a.endsWith("/")) {
            a = a.substring(0, a.length() - 1);
        }
        return a;
    }

    /** The base URL for {@link ApiClient}. */
    static String baseUrl(String api) throws CommandLine.ParameterException {
        String a = api.strip();
        if (a.regionMatches(true, 0, "https://", 0, 8)) {
            return a; // the bridge serves plain HTTP; an https address fails with a clear line when called
        }
        String hp = hostPort(a);
        int colon = hp.lastIndexOf(':');
        if (colon <= 0 || colon == hp.length() - 1 || !hp.substring(colon + 1).chars().allMatch(Character::isDigit)
                || hp.contains("/")) {
            return null;
        }
        return "http://" + hp;
    }

    /** What the API commands share: the address option, the output streams, the one-line error. */
    abstract static class ApiCommand implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = {"--api", "--url"}, defaultValue = DEFAULT_API, paramLabel = "HOST:PORT",
                description = "the bridge's API address, host:port or http://host:port (default: ${DEFAULT-VALUE})")
        String api;

        @Override
        public final Integer call() throws InterruptedException {
            PrintWriter err = spec.commandLine().getErr();
            String base = baseUrl(api);
            if (base == null) {
                err.println("peerbridge: bad --api value '" + api + "': expected host:port or http://host:port");
                return 2;
            }
            try {
                return run(new ApiClient(base), spec.commandLine().getOut());
            } catch (ApiClient.ApiException e) {
                err.println("peerbridge: " + e.getMessage());
                return 1;
            } catch (java.io.IOException | RuntimeException e) {
                err.println("peerbridge: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
                return 1;
            }
        }

        abstract int run(ApiClient client, PrintWriter out) throws java.io.IOException, InterruptedException;
    }

    /** Prints the ranking of a running bridge. */
    @Command(name = "ranking", mixinStandardHelpOptions = true,
            description = "Print the tracker ranking of a running bridge (overall and per torrent).")
    static final class Ranking extends ApiCommand {
        @Option(names = "--json", description = "print the JSON as received")
        boolean json;

        @Override
        int run(ApiClient client, PrintWriter out) throws java.io.IOException, InterruptedException {
            JsonNode node = client.get("/api/ranking");
            out.print(json ? node.toPrettyString() + "\n" : ApiClient.rankingTable(node));
            out.flush();
            return 0;
        }
    }

    /** Prints the status of a running bridge as tables, or as JSON. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Print the torrents (peers, seeds, leechers, trackers working/total) and their trackers "
                    + "(state, last result) of a running bridge.")
    static final class Status extends ApiCommand {
        @Option(names = "--json", description = "print the JSON as received")
        boolean json;

        @Override
        int run(ApiClient client, PrintWriter out) throws java.io.IOException, InterruptedException {
            JsonNode node = client.get("/api/status");
            out.print(json ? node.toPrettyString() + "\n" : ApiClient.statusTable(node));
            out.flush();
            return 0;
        }
    }

    /** Removes a torrent from a running bridge. */
    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove a torrent from a running bridge: its peers are closed and its trackers sent 'stopped'.")
    static final class Remove extends ApiCommand {
        @Parameters(paramLabel = "INFO-HASH", description = "the torrent's info-hash, 40 hex characters")
        String hash;

        @Override
        int run(ApiClient client, PrintWriter out) throws java.io.IOException, InterruptedException {
            String hex;
            try {
                hex = InfoHash.fromHex(hash.strip().toLowerCase(Locale.ROOT)).toHex();
            } catch (RuntimeException e) {
                spec.commandLine().getErr().println("peerbridge: '" + hash + "' is not a 40-character hex info-hash");
                return 2;
            }
            if (client.delete("/api/torrents/" + hex) == null) {
                spec.commandLine().getErr().println("peerbridge: the bridge has no torrent " + hex);
                return 1;
            }
            out.println("removed " + hex);
            out.flush();
            return 0;
        }
    }
}
