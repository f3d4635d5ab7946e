"""libtorrent peers for the bridge's BEP 9 / BEP 11 test, driven over stdin/stdout.

Usage: /usr/bin/python3 libtorrent_magnet.py WORKDIR [TRACKER_URL]
Creates a v1 torrent whose info dictionary spans two ut_metadata pieces and prints
'torrent <v1 info-hash hex> <info size>'. On 'go <bridge port>': seeder S and leecher L start, L connects
to S, S connects to the bridge (the bridge knows nothing else). On 'join': L2, a session given only
the bare magnet, connects to the bridge. With TRACKER_URL, the torrent names that tracker (S and L
announce to it) and 'go 0' starts S and L without connecting S to the bridge. Prints one JSON line every 0.5 s:
{"s_port", "l_port", "l2_metadata": bool, "l2_peers": [{"ip", "port", "source"}]} (source: libtorrent's
peer_source_flags: 1 tracker, 2 dht, 4 pex, 8 lsd, 32 incoming). No DHT, LSD, UPnP or NAT-PMP; loopback only.
Exits when stdin closes or after 120 s.
"""
import json
import os
import select
import sys
import time

import libtorrent as lt


def settings():
    return {
        'listen_interfaces': '127.0.0.1:0',
        'enable_dht': False, 'enable_lsd': False, 'enable_upnp': False, 'enable_natpmp': False,
        'enable_ip_notifier': False, 'dht_bootstrap_nodes': '',
        'allow_multiple_connections_per_ip': True,
        'enable_outgoing_utp': False, 'enable_incoming_utp': False,
        'ssrf_mitigation': False, 'close_redundant_connections': False,
        'alert_mask': lt.alert.category_t.error_notification,
    }


def main():
    work = sys.argv[1]
    tracker = sys.argv[2] if len(sys.argv) > 2 else None
    seed_dir = os.path.join(work, 'seed')
    leech_dir = os.path.join(work, 'leech')
    l2_dir = os.path.join(work, 'l2')
    for d in (seed_dir, leech_dir, l2_dir):
        os.makedirs(d, exist_ok=True)
    payload = os.path.join(seed_dir, 'payload.bin')
    with open(payload, 'wb') as f:
        f.write(os.urandom(20 * 1024 * 1024))
    fs = lt.file_storage()
    lt.add_files(fs, payload)
    # 16 KiB pieces: 1280 piece hashes, an info dictionary of ~25.7 KB (two ut_metadata pieces)
    ct = lt.create_torrent(fs, 16384, flags=lt.create_torrent.v1_only)
    if tracker:
        ct.add_tracker(tracker)
    lt.set_piece_hashes(ct, seed_dir)
    info = lt.bencode(ct.generate()[b'info'])
    path = os.path.join(work, 'magnet.torrent')
    with open(path, 'wb') as f:
        f.write(lt.bencode(ct.generate()))
    ti = lt.torrent_info(path)
    ih = str(ti.info_hashes().v1)
    print('torrent %s %d' % (ih, len(info)), flush=True)

    bridge_port = int(sys.stdin.readline().split()[1])
    s = lt.session(settings())
    l = lt.session(settings())
    hs = s.add_torrent({'ti': lt.torrent_info(path), 'save_path': seed_dir})
    hl = l.add_torrent({'ti': lt.torrent_info(path), 'save_path': leech_dir,
                        'flags': lt.torrent_flags.upload_mode})  # stays a leecher; close_redundant_connections off keeps L and S connected
    hl.connect_peer(('127.0.0.1', s.listen_port()))
    if bridge_port:
        hs.connect_peer(('127.0.0.1', bridge_port))
    l2 = None
    hl2 = None
    start = time.time()
    while time.time() - start < 120:
        r, _, _ = select.select([sys.stdin], [], [], 0.5)
        if r:
            line = sys.stdin.readline()
            if not line:
                break
            if line.strip() == 'join' and l2 is None:
                l2 = lt.session(settings())
                p = lt.parse_magnet_uri('magnet:?xt=urn:btih:' + ih)
                p.save_path = l2_dir
                hl2 = l2.add_torrent(p)
                hl2.connect_peer(('127.0.0.1', bridge_port))
        out = {'s_port': s.listen_port(), 'l_port': l.listen_port(), 'l2_metadata': False, 'l2_peers': []}
        if hl2 is not None:
            out['l2_metadata'] = hl2.status().has_metadata
            out['l2_peers'] = [{'ip': p.ip[0], 'port': p.ip[1], 'source': int(p.source)} for p in hl2.get_peer_info()]
        print(json.dumps(out), flush=True)


if __name__ == '__main__':
    main()
