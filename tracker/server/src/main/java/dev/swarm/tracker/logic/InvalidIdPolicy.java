package dev.swarm.tracker.logic;

/**
 * What the tracker does about a UDP request whose connection ID is invalid (forged, expired, or from another
 * address). Its source address is unproven, as UDP sources can be forged, so a policy decides only whether that
 * request gets its error reply: it never touches connects or requests with a valid connection ID, so whoever
 * forges a victim's address cannot get the victim refused. Implementations must be thread-safe and fast.
 */
@FunctionalInterface
public interface InvalidIdPolicy {
    /** Every invalid connection ID is answered with an error no larger than the request (the default). */
    InvalidIdPolicy ANSWER_ALL = (address, nowMillis) -> true;

    /**
     * Called once for each request with an invalid connection ID.
     *
     * @param address the request's source address (4 or 16 bytes, IPv4-mapped addresses as 4)
     * @return true to answer with an error, false to drop the request unanswered
     */
    boolean answer(byte[] address, long nowMillis);
}
