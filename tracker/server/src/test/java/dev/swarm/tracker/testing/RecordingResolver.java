package dev.swarm.tracker.testing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The test JVM's name resolver (registered in {@code META-INF/services}): it records every name lookup and answers a
 * few names that only a resolver could turn into addresses ({@link #FAKE}), and passes everything else to the JDK's
 * built-in resolver. Tests use it to prove that a code path never asks the resolver: with a resolver that answers,
 * a path that did resolve would accept the name instead of refusing it, and the lookup would be on record.
 */
public final class RecordingResolver extends InetAddressResolverProvider {
    /** Names this resolver answers itself: each looks like an address to a careless character filter, but is not one. */
    public static final Map<String, byte[]> FAKE = Map.of(
            "1.2.3.999", new byte[] {127, 0, 0, 9},
            "10.0.0.256", new byte[] {127, 0, 0, 10});

    /** Names under this suffix resolve to 127.0.0.1 here, never through the built-in resolver (nothing leaves the host). */
    private static final String PROBE_SUFFIX = ".resolver-probe.invalid";

    private static final List<String> LOOKUPS = new CopyOnWriteArrayList<>();
    private static final AtomicInteger PROBES = new AtomicInteger();

    /** Every name looked up since the JVM started, in order. */
    public static List<String> lookups() {
        return List.copyOf(LOOKUPS);
    }

    /**
     * Whether this provider is the JVM's resolver (it is, when the test classpath's service file was found): looks up
     * a new name under a reserved suffix (not cached by the JDK yet) and checks that it was recorded.
     */
    public static boolean installed() throws UnknownHostException {
        String probe = "p" + PROBES.incrementAndGet() + PROBE_SUFFIX;
        InetAddress.getByName(probe);
        return LOOKUPS.contains(probe);
    }

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                LOOKUPS.add(host);
                byte[] fake = FAKE.get(host);
                if (fake != null) {
                    return Stream.of(InetAddress.getByAddress(host, fake));
                }
                if (host.endsWith(PROBE_SUFFIX)) {
                    return Stream.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}));
                }
                return builtin.lookupByName(host, policy);
            }

            @Override
            public String lookupByAddress(byte[] addr) throws UnknownHostException {
                return builtin.lookupByAddress(addr);
            }
        };
    }

    @Override
    public String name() {
        return "recording test resolver";
    }
}
