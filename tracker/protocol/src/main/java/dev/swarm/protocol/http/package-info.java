/**
 * Tracker side of the HTTP protocol.
 *
 * <p>{@link dev.swarm.protocol.http.HttpQueryParser} reads announce (BEP 3) and scrape (BEP 48) requests
 * straight from the raw, still percent-encoded query bytes, because {@code info_hash} and
 * {@code peer_id} are binary. Every error is replyable: its message becomes the {@code failure reason}.
 *
 * <p>{@link dev.swarm.protocol.http.HttpResponses} writes bencoded announce responses (compact
 * {@code peers}, BEP 23; {@code peers6}, BEP 7; the dictionary model for {@code compact=0}, BEP 3, without
 * peer ids; {@code external ip}, BEP 24; {@code warning message}), scrape responses (BEP 48) and failures,
 * without building bencode trees.
 *
 * <p>Deviations and choices: parameter names are matched literally (not percent-decoded); {@code '+'}
 * in a value is a space; {@code left} is required but {@code uploaded}/{@code downloaded} default to 0;
 * {@code event=paused} (BEP 21) counts as a regular announce; a repeated known parameter is rejected.
 */
package dev.swarm.protocol.http;
