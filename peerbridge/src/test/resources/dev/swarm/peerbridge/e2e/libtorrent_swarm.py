"""A libtorrent seeder and leecher on loopback, driven by a Java test over stdin/stdout.

Usage: /usr/bin/python3 libtorrent_swarm.py WORKDIR TRACKER_URL
Prints 'torrent <path> <v1 info-hash hex>', waits for 'go <bridge port>' on stdin, then runs
both sessions, connects both to the bridge, and prints one JSON line per second:
{"finished": bool, "seed_peers": [...], "leech_peers": [...]} (peer = {"ip", "port", "client"}).
Exits when stdin closes or after 120 s.
"""
import json
import os
import select
import sys
import time

import libtorrent as lt


def settings(port):
    return {
        'listen_interfaces': '127.0.0.1:%d' % port,
        'enable_dht': False, 'enable_lsd': False, 'enable_upnp': False, 'enable_natpmp': False,
        'enable_ip_notifier': False, 'dht_bootstrap_nodes': '',
        'allow_multiple_connections_per_ip': True,
        'enable_outgoing_utp': False, 'enable_incoming_utp': False,
        'prefer_udp_trackers': False, 'announce_to_all_trackers': True, 'announce_to_all_tiers': True,
        'ssrf_mitigation': False,
        'alert_mask': lt.alert.category_t.status_notification | lt.alert.category_t.error_notification,
    }


def peers(h):
    out = []
    for p in h.get_peer_info():
        out.append({'ip': p.ip[0], 'port': p.ip[1], 'client': p.client.decode('utf-8', 'replace')
                    if isinstance(p.client, bytes) else p.client})
    return out


def main():
    work, tracker = sys.argv[1], sys.argv[2]
    seed_dir = os.path.join(work, 'seed')
    leech_dir = os.path.join(work, 'leech')
    os.makedirs(seed_dir, exist_ok=True)
    os.makedirs(leech_dir, exist_ok=True)
    payload = os.path.join(seed_dir, 'payload.bin')
    with open(payload, 'wb') as f:
        f.write(os.urandom(2 * 1024 * 1024))
    fs = lt.file_storage()
    lt.add_files(fs, payload)
    ct = lt.create_torrent(fs, 65536, flags=lt.create_torrent.v1_only)
    ct.add_tracker(tracker)
    lt.set_piece_hashes(ct, seed_dir)
    data = lt.bencode(ct.generate())
    path = os.path.join(work, 'swarm.torrent')
    with open(path, 'wb') as f:
        f.write(data)
    ti = lt.torrent_info(path)
    print('torrent %s %s' % (path, str(ti.info_hashes().v1)), flush=True)

    line = sys.stdin.readline().split()
    bridge_port = int(line[1])
    seed = lt.session(settings(0))
    leech = lt.session(settings(0))
    hs = seed.add_torrent({'ti': lt.torrent_info(path), 'save_path': seed_dir})
    hl = leech.add_torrent({'ti': lt.torrent_info(path), 'save_path': leech_dir})
    hs.connect_peer(('127.0.0.1', bridge_port))
    hl.connect_peer(('127.0.0.1', bridge_port))
    hl.connect_peer(('127.0.0.1', seed.listen_port()))
    start = time.time()
    while time.time() - start < 120:
        r, _, _ = select.select([sys.stdin], [], [], 1.0)
        if r and not sys.stdin.readline():
            break
        st = hl.status()
        print(json.dumps({'finished': st.is_seeding, 'progress': st.progress,
                          'seed_peers': peers(hs), 'leech_peers': peers(hl)}), flush=True)


if __name__ == '__main__':
    main()
