/**
 * Bencode (BEP 3): {@link dev.swarm.protocol.bencode.Bencode} decodes into
 * {@link dev.swarm.protocol.bencode.BValue} trees and encodes them canonically;
 * {@link dev.swarm.protocol.bencode.BencodeWriter} streams a known message shape into a
 * {@link dev.swarm.protocol.ByteSink} without building a tree.
 *
 * <p>Decoding is bounded by {@link dev.swarm.protocol.bencode.BencodeLimits} (depth, string length,
 * number of values) and, by default, strict: only canonical encodings are accepted (sorted unique
 * dictionary keys, no leading zeros, no {@code -0}), so one document has exactly one encoding and two
 * parsers cannot disagree about it. {@link dev.swarm.protocol.bencode.BencodeLimits#LENIENT} accepts
 * unsorted or duplicate keys (last value wins), leading zeros and {@code -0}, for responses written by
 * other software. Errors are {@link dev.swarm.protocol.ProtocolException#drop drop} exceptions naming the
 * problem and its offset.
 *
 * <p>Dictionary keys are byte strings; they are exposed as {@code String}s holding one char per byte
 * (ISO-8859-1), whose natural order is bencode's unsigned byte order.
 */
package dev.swarm.protocol.bencode;
