"""Three libtorrent peers on loopback for the health acceptance test, driven over stdin/stdout.

Usage: /usr/bin/python3 health_swarm.py WORKDIR TRACKER_URL_1 TRACKER_URL_2
Makes a 32-piece torrent announcing to both trackers (one tier each), prints
'torrent <path> <v1 info-hash hex>', waits for 'go <bridge port>' on stdin, then runs a seeder and
two leechers that want only the first half of the pieces (so the swarm settles at one seed and two
peers holding the same half: 1.5 distributed copies), connects all three to the bridge and the
leechers to the seeder, and prints one JSON line per second with every peer's bitfield as libtorrent
holds it: {"peers": [{"name", "port", "pieces": "1100..."}], "settled": bool}.
Exits when stdin closes or after 180 s.
"""
import json
import os
import select
import sys
import time

import libtorrent as lt

PIECE = 65536
PIECES = 32


def settings():
    return {
        'listen_interfaces': '127.0.0.1:0',
        'enable_dht': False, 'enable_lsd': False, 'enable_upnp': False, 'enable_natpmp': False,
        'enable_ip_notifier': False, 'dht_bootstrap_nodes': '',
        'allow_multiple_connections_per_ip': True,
        'enable_outgoing_utp': False, 'enable_incoming_utp': False,
        'announce_to_all_trackers': True, 'announce_to_all_tiers': True,
        'ssrf_mitigation': False,
        'alert_mask': lt.alert.category_t.status_notification | lt.alert.category_t.error_notification,
    }


def bits(h):
    return ''.join('1' if p else '0' for p in h.status().pieces)


def main():
    work, t1, t2 = sys.argv[1], sys.argv[2], sys.argv[3]
    seed_dir = os.path.join(work, 'seed')
    os.makedirs(seed_dir, exist_ok=True)
    payload = os.path.join(seed_dir, 'payload.bin')
    with open(payload, 'wb') as f:
        f.write(os.urandom(PIECES * PIECE))
    fs = lt.file_storage()
    lt.add_files(fs, payload)
    ct = lt.create_torrent(fs, PIECE, flags=lt.create_torrent.v1_only)
    ct.add_tracker(t1, 0)
    ct.add_tracker(t2, 1)
    lt.set_piece_hashes(ct, seed_dir)
    path = os.path.join(work, 'health.torrent')
    with open(path, 'wb') as f:
        f.write(lt.bencode(ct.generate()))
    ti = lt.torrent_info(path)
    print('torrent %s %s' % (path, str(ti.info_hashes().v1)), flush=True)

    bridge_port = int(sys.stdin.readline().split()[1])
    sessions = []
    handles = []
    for name in ('seed', 'half1', 'half2'):
        s = lt.session(settings())
        d = seed_dir if name == 'seed' else os.path.join(work, name)
        os.makedirs(d, exist_ok=True)
        params = {'ti': lt.torrent_info(path), 'save_path': d}
        h = s.add_torrent(params)
        if name != 'seed':
            h.prioritize_pieces([1] * (PIECES // 2) + [0] * (PIECES - PIECES // 2))
        sessions.append((name, s))
        handles.append((name, s, h))
    seed_port = sessions[0][1].listen_port()
    for name, s, h in handles:
        h.connect_peer(('127.0.0.1', bridge_port))
        if name != 'seed':
            h.connect_peer(('127.0.0.1', seed_port))
    start = time.time()
    while time.time() - start < 180:
        r, _, _ = select.select([sys.stdin], [], [], 1.0)
        if r and not sys.stdin.readline():
            break
        peers = [{'name': n, 'port': s.listen_port(), 'pieces': bits(h)} for n, s, h in handles]
        settled = all(p['pieces'] == ('1' * PIECES if p['name'] == 'seed' else '1' * (PIECES // 2) + '0' * (PIECES // 2))
                      for p in peers)
        print(json.dumps({'peers': peers, 'settled': settled}), flush=True)


if __name__ == '__main__':
    main()
