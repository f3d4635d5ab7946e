"""A DHT of python3-libtorrent 2.0 sessions on loopback, driven by a Java test over stdin/stdout.

Usage: /usr/bin/python3 libtorrent_dht.py WORKDIR COUNT
Starts COUNT sessions with DHT on, session i listening on 127.0.0.(2+i):0 (TCP and the DHT's UDP),
LSD/UPnP/NAT-PMP off, no bootstrap nodes but each other (settings of PROTOCOL-NOTES "A DHT of real
nodes": nothing is sent outside 127.0.0.0/8). Session 0 seeds a 256 KiB torrent that lists no tracker.
Once another session's get_peers finds the seeder over the DHT, prints
  ready <info-hash hex> <seeder ip:port> <node ip:port> <node ip:port> ...
then answers stdin commands, one line each:
  add_node IP PORT   every session adds that DHT node (it pings it)
  table IP PORT      prints 'table <n> <m>': n sessions have IP:PORT in their routing table, m = sessions
  leech              a new session on 127.0.0.(2+COUNT), bootstrapped from the others, joins the torrent
                     from a bare magnet (so it is found over the DHT); prints 'leecher <ip:port>'
Exits when stdin closes or after 120 s.
"""
import os
import select
import socket
import struct
import warnings
import sys
import time

import libtorrent as lt


def settings(i, nodes):
    return {
        'listen_interfaces': '127.0.0.%d:0' % (2 + i),
        'enable_dht': True, 'enable_lsd': False, 'enable_upnp': False, 'enable_natpmp': False,
        'enable_ip_notifier': False, 'dht_bootstrap_nodes': nodes,
        'dht_restrict_routing_ips': False, 'dht_restrict_search_ips': False,
        'dht_prefer_verified_node_ids': False, 'dht_enforce_node_id': False, 'dht_ignore_dark_internet': False,
        'enable_outgoing_utp': False, 'enable_incoming_utp': False,
        'allow_multiple_connections_per_ip': True, 'ssrf_mitigation': False,
        'alert_mask': lt.alert.category_t.dht_notification | lt.alert.category_t.status_notification
        | lt.alert.category_t.error_notification | lt.alert.category_t.dht_operation_notification,
    }


def main():
    warnings.simplefilter('ignore', DeprecationWarning)
    work, count = sys.argv[1], int(sys.argv[2])
    deadline = time.time() + 120
    # Start session 0 first with no bootstrap at all, then every other one bootstrapped from those before it.
    sessions = []
    addrs = []
    for i in range(count):
        s = lt.session(settings(i, ','.join(addrs)))
        port = 0
        while port == 0 and time.time() < deadline:
            port = s.listen_port()
            time.sleep(0.02)
        sessions.append(s)
        addrs.append('127.0.0.%d:%d' % (2 + i, port))
    for s in sessions:
        for a in addrs:
            ip, port = a.split(':')
            s.add_dht_node((ip, int(port)))

    seed_dir = os.path.join(work, 'seed')
    os.makedirs(seed_dir, exist_ok=True)
    payload = os.path.join(seed_dir, 'payload.bin')
    with open(payload, 'wb') as f:
        f.write(os.urandom(256 * 1024))
    fs = lt.file_storage()
    lt.add_files(fs, payload)
    ct = lt.create_torrent(fs, 16384, flags=lt.create_torrent.v1_only)
    lt.set_piece_hashes(ct, seed_dir)
    ti = lt.torrent_info(lt.bencode(ct.generate()))
    ih = ti.info_hashes().v1
    h = sessions[0].add_torrent({'ti': ti, 'save_path': seed_dir})
    h.force_dht_announce()

    # Ready when another session finds the seeder through the DHT.
    probe = sessions[count - 1]
    found = False
    last_ask = 0
    while not found and time.time() < deadline:
        if time.time() - last_ask > 1:
            h.force_dht_announce()
            probe.dht_get_peers(ih)
            last_ask = time.time()
        for a in probe.pop_alerts():
            if isinstance(a, lt.dht_get_peers_reply_alert) and a.info_hash == ih and a.num_peers() > 0:
                found = True
        time.sleep(0.05)
    if not found:
        print('error seeder not found over the DHT', flush=True)
        return
    seeder = '127.0.0.2:%d' % sessions[0].listen_port()
    print('ready %s %s %s' % (str(ih), seeder, ' '.join(addrs)), flush=True)

    leechers = []
    last_announce = 0
    while time.time() < deadline:
        r, _, _ = select.select([sys.stdin], [], [], 0.2)
        if time.time() - last_announce > 1:
            # announce a new leecher to the DHT at once and for its first 30 s (libtorrent's own timer is slower)
            for lh, until in leechers:
                if time.time() < until:
                    lh.force_dht_announce()
            last_announce = time.time()
        for s in sessions:
            s.pop_alerts()
        if not r:
            continue
        line = sys.stdin.readline()
        if not line:
            break
        cmd = line.split()
        if cmd[0] == 'add_node':
            for s in sessions:
                s.add_dht_node((cmd[1], int(cmd[2])))
            print('ok', flush=True)
        elif cmd[0] == 'leech':
            i = len(sessions)
            s = lt.session(settings(i, ','.join(addrs)))
            for a in addrs:
                ip, port = a.split(':')
                s.add_dht_node((ip, int(port)))
            leech_dir = os.path.join(work, 'leech')
            os.makedirs(leech_dir, exist_ok=True)
            p = lt.parse_magnet_uri('magnet:?xt=urn:btih:%s' % str(ih))
            p.save_path = leech_dir
            leechers.append((s.add_torrent(p), time.time() + 30))
            sessions.append(s)
            print('leecher 127.0.0.%d:%d' % (2 + i, s.listen_port()), flush=True)
        elif cmd[0] == 'table':
            # dht_state() lists the routing table's nodes as compact IPv4 addresses (6 bytes each)
            want = socket.inet_aton(cmd[1]) + struct.pack('>H', int(cmd[2]))
            n = sum(1 for s in sessions if want in s.dht_state().get(b'nodes', []))
            print('table %d %d' % (n, len(sessions)), flush=True)


if __name__ == '__main__':
    main()
