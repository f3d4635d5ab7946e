package dev.swarm.tracker.cluster;

/**
 * The Lua scripts through which the nodes share private mode's state in Redis. Each runs atomically in Redis, and
 * every key one touches carries the hash tag {@code {reg}}, so on a Redis Cluster they all live in one slot (private
 * mode's state is on one shard; the swarms are spread by wt-14a's replication).
 *
 * <p>Keys (after the configured prefix): {@code {reg}:users} (hash: name → user record as JSON),
 * {@code {reg}:torrents} (hash: info-hash → torrent record), {@code {reg}:changes} (stream of every admin change,
 * field {@code r}), {@code {reg}:seeded} (set once the cluster's registry exists), {@code {reg}:s:<user>:<info-hash>:
 * <peer_id>} (one accounting session: last counters, time, seeder, completed; expires after the peer timeout),
 * {@code {reg}:a:<user>:<info-hash>} (one account: sums and a version), {@code {reg}:accounts} (set of account ids)
 * and {@code {reg}:acct} (stream of account states, one entry per accounted announce).
 */
final class RegistryScripts {
    private RegistryScripts() {
    }

    /**
     * An admin change. KEYS: users, torrents, changes, seeded. ARGV: type, id (name or info-hash), record JSON,
     * create (1: refuse an existing user; 0: refuse a user that is not there, e.g. removed through another node a
     * moment ago), stream max length. Returns {@code ok}, {@code exists} (create of an existing user) or
     * {@code missing} (change or removal of a user that is not there).
     */
    static final String COMMIT = """
            local t = ARGV[1]
            if t == 'user' then
              local there = redis.call('HEXISTS', KEYS[1], ARGV[2]) == 1
              if ARGV[4] == '1' and there then return 'exists' end
              if ARGV[4] == '0' and not there then return 'missing' end
              redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
            elseif t == 'user-removed' then
              if redis.call('HDEL', KEYS[1], ARGV[2]) == 0 then return 'missing' end
            elseif t == 'torrent' then
              redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
            elseif t == 'torrent-removed' then
              redis.call('HDEL', KEYS[2], ARGV[2])
            else
              return redis.error_reply('unknown change type')
            end
            redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[5], '*', 'r', ARGV[3])
            redis.call('SET', KEYS[4], '1')
            return 'ok'
            """;

    /**
     * The registry's state and the stream position it corresponds to, in one atomic read. KEYS: users, torrents,
     * changes, seeded. Returns {last change id or 0-0, seeded (0/1), user records, torrent records}.
     */
    static final String SNAPSHOT = """
            local last = redis.call('XREVRANGE', KEYS[3], '+', '-', 'COUNT', 1)
            local id = '0-0'
            if #last > 0 then id = last[1][1] end
            return {id, redis.call('EXISTS', KEYS[4]), redis.call('HVALS', KEYS[1]), redis.call('HVALS', KEYS[2])}
            """;

    /**
     * Seeds an empty cluster from one node's journal (a single tracker becoming the first node of a cluster): only
     * when {@code seeded} is not set, so the first node wins and the others adopt its state. KEYS: users, torrents,
     * seeded. ARGV: pairs of (kind u/t, id, record JSON)... Returns 1 if it seeded, 0 if the cluster had a registry.
     */
    static final String SEED = """
            if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
            for i = 1, #ARGV, 3 do
              if ARGV[i] == 'u' then redis.call('HSETNX', KEYS[1], ARGV[i + 1], ARGV[i + 2])
              else redis.call('HSETNX', KEYS[2], ARGV[i + 1], ARGV[i + 2]) end
            end
            redis.call('SET', KEYS[3], '1')
            return 1
            """;

    /**
     * Seeds one account from a node's journal when the cluster has none of that id. KEYS: account, accounts, acct
     * stream. ARGV: account id, stream max length, then field/value pairs. Returns 1 if it was added.
     */
    static final String SEED_ACCOUNT = """
            if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
            local kv = {}
            for i = 3, #ARGV do kv[#kv + 1] = ARGV[i] end
            redis.call('HSET', KEYS[1], unpack(kv))
            redis.call('SADD', KEYS[2], ARGV[1])
            redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[2], '*', 'id', ARGV[1], unpack(redis.call('HGETALL', KEYS[1])))
            return 1
            """;

    /**
     * One accounted announce, with the rules of {@code registry.Accounting} applied against the last counters any
     * node saw for the session: {@code delta = max(0, new - last); last = new; account += delta}, a {@code started}
     * or lower counters count in full (a restart), a session seen first without {@code started} only sets the
     * baseline, {@code stopped} ends it, seeding time is the gap between two announces of a seeding session within
     * the peer timeout, {@code completed} counts once per session. An announce not newer than the session's last
     * (a duplicate delivery, or an older announce delivered late from another node's outbox) changes nothing.
     *
     * <p>KEYS: session, account, accounts, acct stream. ARGV: account id, uploaded, downloaded, left, event
     * (none/started/completed/stopped), freeleech (0/1), time (ms), peer timeout (ms), stream max length.
     * Returns 1 when counted (the account's new state went to the stream), 0 for a baseline, -1 for a stale announce.
     */
    static final String ACCOUNT = """
            local function int(x) return string.format('%d', x) end
            local up = math.max(0, tonumber(ARGV[2]))
            local down = math.max(0, tonumber(ARGV[3]))
            local left = tonumber(ARGV[4])
            local ev = ARGV[5]
            local now = tonumber(ARGV[7])
            local timeout = tonumber(ARGV[8])
            local s = redis.call('HMGET', KEYS[1], 'u', 'd', 't', 'seed', 'c')
            local fresh = not s[3]
            if fresh and ev == 'stopped' then return 0 end
            if not fresh and now <= tonumber(s[3]) then return -1 end
            local started = ev == 'started'
            local dUp, dDown, seeding = 0, 0, 0
            local done = (not fresh) and s[5] == '1'
            if fresh then
              if started then dUp = up; dDown = down end
            elseif started or up < tonumber(s[1]) or down < tonumber(s[2]) then
              dUp = up; dDown = down
              if started then done = false end
            else
              dUp = up - tonumber(s[1]); dDown = down - tonumber(s[2])
            end
            if not fresh and s[4] == '1' then
              local gap = now - tonumber(s[3])
              if gap >= 0 and gap <= timeout then seeding = gap end
            end
            local completedNow = ev == 'completed' and not fresh and not done
            if ev == 'stopped' then
              redis.call('DEL', KEYS[1])
            else
              redis.call('HSET', KEYS[1], 'u', int(up), 'd', int(down), 't', ARGV[7], 'seed', left == 0 and '1' or '0',
                  'c', (done or completedNow) and '1' or '0')
              redis.call('PEXPIRE', KEYS[1], ARGV[8])
            end
            if fresh and not started then return 0 end
            local a = KEYS[2]
            redis.call('HINCRBY', a, 'u', int(dUp))
            redis.call('HINCRBY', a, 'd', int(dDown))
            redis.call('HINCRBY', a, 'f', ARGV[6] == '1' and int(dDown) or '0')
            redis.call('HINCRBY', a, 'sm', int(seeding))
            if completedNow then
              redis.call('HINCRBY', a, 'c', 1)
              local at = redis.call('HGET', a, 'ca')
              if not at or at == '0' then redis.call('HSET', a, 'ca', ARGV[7]) end
            end
            local last = tonumber(redis.call('HGET', a, 'l') or '0')
            if now > last then redis.call('HSET', a, 'l', ARGV[7]) end
            redis.call('HSET', a, 'lc', (left > 0 and ev ~= 'stopped') and '1' or '0')
            redis.call('HINCRBY', a, 'v', 1)
            redis.call('SADD', KEYS[3], ARGV[1])
            redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[9], '*', 'id', ARGV[1], unpack(redis.call('HGETALL', a)))
            return 1
            """;
}
