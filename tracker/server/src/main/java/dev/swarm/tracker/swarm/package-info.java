/**
 * The swarm store: who is in which swarm, shaped by the tracker's operations (announce with a peer
 * sample, scrape, expire). {@link dev.swarm.tracker.swarm.SwarmStore} states the contract;
 * {@link dev.swarm.tracker.swarm.OffHeapSwarmStore} is the production store and the only code in the
 * tracker that uses Chronicle Map; {@link dev.swarm.tracker.swarm.HeapSwarmStore} is a plain-Java
 * reference for tests.
 *
 * <h2>Design of the off-heap store</h2>
 * <ul>
 *   <li><b>One map entry per swarm and family</b> (two maps, {@code v4} and {@code v6}; key: the 20-byte
 *       info-hash). A peer is its compact wire record plus a 2-byte meta word (seeder, completion
 *       counted, 14-bit second stamp): 8 bytes for IPv4, 20 for IPv6, and a reply is a copy of records.
 *       Per swarm there are a 24-byte header and Chronicle's ~23 bytes of key and size; entries use
 *       32-byte (IPv4) or 64-byte (IPv6) chunks and the value always fills its chunks, so the half
 *       chunk that would be lost becomes room for the next peers.</li>
 *   <li><b>Sorted, in two regions</b>: leechers, then seeders, each ordered by address and port. A
 *       lookup is a binary search (at most 15 probes in a 20,000-peer swarm), which matters because
 *       busy swarms get most announces; a linear scan of such a swarm would read 160 KB per announce.
 *       Joins and leaves shift the tail with one {@code memmove}, and they are rare next to
 *       re-announces. The regions let a seeder's sample come from one contiguous range.</li>
 *   <li><b>No copies, no allocation per request</b>: the key is handed to Chronicle as
 *       {@code KeyData}, which hashes and compares the caller's info-hash array in place; values are
 *       read and written in the mapped memory; the sample is copied from there into the caller's
 *       buffer; scratch space is per thread and off-heap.</li>
 *   <li><b>Sampling</b> takes one random live peer from each of {@code numWant} equal buckets of the
 *       (randomly rotated) candidate range: no duplicates, O(numWant), every peer can come up.</li>
 *   <li><b>Growth</b>: when the value is full it is reallocated by at least one chunk or 1/8, and
 *       shrunk when a quarter of its chunks are spare, so a swarm at a steady size does not
 *       reallocate.</li>
 *   <li><b>Time</b> is kept in whole seconds: 14-bit stamps per peer, decoded against the swarm's
 *       full reference second (see {@code PeerMeta}). The header also keeps a lower bound of its
 *       peers' last-seen seconds; a swarm whose bound is half a wrap (2.3 h) old is swept before it is
 *       written, so stamps never become ambiguous.</li>
 *   <li><b>Expiry</b> visits one Chronicle segment per call. A swarm whose oldest peer is still within
 *       the timeout is skipped after reading its header, so in the steady state a pass costs a header
 *       read per swarm, not a look at every peer; the others are compacted in place. Empty swarms are
 *       removed (their download count with them).</li>
 *   <li><b>Counters</b> (swarms, seeders, leechers per family) are maintained with every change and
 *       rebuilt at open by one walk; they include expired peers until the sweep removes them.</li>
 *   <li><b>Files</b> are checked against a sidecar before Chronicle maps them (see
 *       {@code StoreFiles}); the map files are preallocated ({@code fallocate}) rather than sparse,
 *       so a full disk fails the open with an error instead of killing the JVM with SIGBUS on a later
 *       write to a hole, and growth beyond them goes only into space reserved ahead
 *       ({@code GrowthReserve}). Resident memory is the same: only touched pages are resident either way.</li>
 *   <li><b>Failures</b>: an interrupted recovery, a damaged or missing sidecar and a damaged clean map
 *       ({@code MapCheck}) lead to Chronicle's recovery and a verifying walk, not to discarded files;
 *       request threads wait for a segment lock at most a bounded time and get a
 *       {@code StoreUnavailableException} instead (see the README's "Store failure model").</li>
 * </ul>
 */
package dev.swarm.tracker.swarm;
