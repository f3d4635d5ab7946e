#!/usr/bin/python3
"""Real-client driver for the tracker's end-to-end tests (python3-libtorrent from Debian).

Modes:
  swarm      a seeder and a leecher (two libtorrent sessions on 127.0.0.1, or on --host) share a new file through the
             tracker; prints one JSON line with what libtorrent saw, keeps both in the swarm until stdin
             closes (or --timeout passes), then exits.
  seed       creates the torrent, seeds it, prints "READY <info-hash hex> <torrent file>" and keeps seeding until stdin
             closes or --timeout passes (for driving another client, e.g. aria2c, against it).
  make       only creates the payload (WORKDIR/seed/payload.bin) and the torrent; prints "MADE <info-hash hex> <torrent>".
  leech      downloads --torrent into WORKDIR/leech from whatever peers the tracker gives; prints one JSON line, then
             stays in the swarm until stdin closes (or --timeout passes). With --tracker, it announces only there
             (the torrent's own trackers are dropped), e.g. to another node of a tracker cluster.

Every wait has a deadline; the script always ends by itself.
"""
import argparse
import json
import os
import select
import sys
import time

import libtorrent as lt


def session(port, host='127.0.0.1'):
    return lt.session({
        'listen_interfaces': ('[%s]:%d' if ':' in host else '%s:%d') % (host, port),
        'enable_dht': False, 'enable_lsd': False, 'enable_upnp': False, 'enable_natpmp': False,
        'enable_ip_notifier': False, 'dht_bootstrap_nodes': '',
        'allow_multiple_connections_per_ip': True,
        'enable_outgoing_utp': False, 'enable_incoming_utp': False,
        'prefer_udp_trackers': False, 'announce_to_all_trackers': True, 'announce_to_all_tiers': True,
        'ssrf_mitigation': False,
        'alert_mask': lt.alert.category_t.all_categories,
    })


def make_torrent(workdir, size, tracker=None):
    """A one-file torrent of random bytes; it names `tracker` if given (the private tests give each client its own URL)."""
    src = os.path.join(workdir, 'seed')
    os.makedirs(src, exist_ok=True)
    path = os.path.join(src, 'payload.bin')
    with open(path, 'wb') as f:
        f.write(os.urandom(size))
    fs = lt.file_storage()
    lt.add_files(fs, path)
    ct = lt.create_torrent(fs, 16384, flags=lt.create_torrent.v1_only)
    if tracker is not None:
        ct.add_tracker(tracker)
    lt.set_piece_hashes(ct, src)
    data = lt.bencode(ct.generate())
    tpath = os.path.join(workdir, 'payload.torrent')
    with open(tpath, 'wb') as f:
        f.write(data)
    return tpath, src


def add(ses, tpath, save, tracker=None):
    p = lt.add_torrent_params()
    p.ti = lt.torrent_info(tpath)
    p.save_path = save
    if tracker is not None:
        p.trackers = tracker if isinstance(tracker, list) else [tracker]  # a list: one tier, announced to all
    return ses.add_torrent(p)


def drain(ses, log, name):
    """Copies what the tests need out of each alert: alert objects die at the next pop_alerts()."""
    for a in ses.pop_alerts():
        e = {'who': name, 't': time.time(), 'type': type(a).__name__}
        if isinstance(a, lt.tracker_reply_alert):
            e['num_peers'] = a.num_peers
        elif isinstance(a, lt.tracker_error_alert):
            e['msg'] = a.message()
            e['reason'] = a.failure_reason()  # the tracker's failure reason, which the private tests compare
        elif isinstance(a, lt.scrape_failed_alert):
            e['msg'] = a.message()
        elif isinstance(a, lt.peer_connect_alert):
            e['endpoint'] = [a.endpoint[0], a.endpoint[1]]  # an outgoing connection: a peer this session dialled
        elif isinstance(a, lt.scrape_reply_alert):
            e['complete'] = a.complete
            e['incomplete'] = a.incomplete
        log.append(e)


def seen(log, kind, who=None, after=0.0):
    return [e for e in log if e['type'] == kind and (who is None or e['who'] == who) and e['t'] >= after]


def pump(sessions, log):
    for name, s in sessions:
        drain(s, log, name)


def wait_for(pred, sessions, log, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        pump(sessions, log)
        if pred():
            return True
        time.sleep(0.05)
    return False


def swarm(args):
    tpath, src = make_torrent(args.workdir, args.size, args.tracker)
    seeder = session(args.seed_port, args.host)
    leecher = session(args.leech_port, args.host)
    sessions = [('seeder', seeder), ('leecher', leecher)]
    log = []
    hs = add(seeder, tpath, src)
    dst = os.path.join(args.workdir, 'leech')
    os.makedirs(dst, exist_ok=True)
    # The seeder announces first so the leecher's announce finds it.
    ok_seed = wait_for(lambda: hs.status().is_seeding and seen(log, 'tracker_reply_alert', 'seeder'),
                       sessions, log, args.timeout)
    hl = add(leecher, tpath, dst)
    t0 = time.time()
    peers = {}  # (address, port) -> source flags of every peer the leecher was connected to while downloading

    def leecher_done():
        for p in hl.get_peer_info():
            peers[(p.ip[0], p.ip[1])] = int(p.source)
        return hl.status().is_seeding
    finished = wait_for(leecher_done, sessions, log, args.timeout)
    t_done = time.time()
    # libtorrent sends event=completed once the download finishes: wait for the tracker's reply to it.
    completed_ack = wait_for(lambda: seen(log, 'tracker_reply_alert', 'leecher', t_done - 0.5), sessions, log, args.timeout)
    # A scrape from the real client as well.
    hl.scrape_tracker(0)
    got_scrape = wait_for(lambda: seen(log, 'scrape_reply_alert') or seen(log, 'scrape_failed_alert'),
                          sessions, log, args.timeout)
    scrape = {}
    for e in seen(log, 'scrape_reply_alert'):
        scrape = {'complete': e['complete'], 'incomplete': e['incomplete']}
    for e in seen(log, 'scrape_failed_alert'):
        scrape = {'error': e['msg']}
    replies = [{'who': e['who'], 'num_peers': e['num_peers']} for e in seen(log, 'tracker_reply_alert')]
    errors = [{'who': e['who'], 'msg': e['msg']} for e in seen(log, 'tracker_error_alert')]
    with open(os.path.join(src, 'payload.bin'), 'rb') as f1, open(os.path.join(dst, 'payload.bin'), 'rb') as f2:
        same = f1.read() == f2.read() if finished else False
    print(json.dumps({
        'info_hash': str(lt.torrent_info(tpath).info_hash()),
        'seeded': ok_seed, 'finished': finished, 'identical': same, 'seconds': round(t_done - t0, 3),
        'completed_acknowledged': completed_ack, 'scrape_answered': got_scrape, 'scrape': scrape,
        'tracker_replies': replies, 'tracker_errors': errors,
        'leecher_peers_seen': len(hl.get_peer_info()) if finished else 0,
        # address, port and source flags (1 = tracker, 2 = DHT, 4 = PEX, 8 = LSD) of the leecher's peers while downloading
        'leecher_peers': [{'ip': a, 'port': p, 'source': f} for (a, p), f in sorted(peers.items())],
        # every address the leecher dialled (peer_connect_alert): with DHT, LSD and PEX partners absent, tracker peers
        'leecher_dialled': [e['endpoint'] for e in seen(log, 'peer_connect_alert', 'leecher')],
    }), flush=True)
    # Both clients stay in the swarm until the caller closes stdin (it scrapes the tracker meanwhile):
    # on exit libtorrent announces 'stopped'.
    wait_stdin_closed(args.timeout, lambda: pump(sessions, log))


def seed(args):
    tpath, src = make_torrent(args.workdir, args.size, args.tracker)
    ses = session(args.seed_port)
    log = []
    h = add(ses, tpath, src)
    ok = wait_for(lambda: h.status().is_seeding and seen(log, 'tracker_reply_alert'), [('seeder', ses)], log, args.timeout)
    if not ok:
        print('FAILED seeder did not get a tracker reply: %s' % [e['msg'] for e in seen(log, 'tracker_error_alert')],
              flush=True)
        return 1
    print('READY %s %s' % (str(lt.torrent_info(tpath).info_hash()), tpath), flush=True)
    wait_stdin_closed(args.timeout, lambda: drain(ses, log, 'seeder'))
    return 0


def wait_stdin_closed(timeout, tick):
    deadline = time.time() + timeout
    while time.time() < deadline:
        r, _, _ = select.select([sys.stdin], [], [], 0.2)
        if r and not sys.stdin.readline():
            return
        tick()


def make(args):
    tpath, _ = make_torrent(args.workdir, args.size, args.tracker)
    print('MADE %s %s' % (str(lt.torrent_info(tpath).info_hash()), tpath), flush=True)
    return 0


def leech(args):
    ses = session(args.leech_port)
    log = []
    dst = os.path.join(args.workdir, 'leech')
    os.makedirs(dst, exist_ok=True)
    torrent = args.torrent
    if args.tracker:
        meta = lt.bdecode(open(torrent, 'rb').read())
        meta.pop(b'announce', None)
        meta.pop(b'announce-list', None)
        torrent = os.path.join(args.workdir, 'leech-only-tracker.torrent')
        with open(torrent, 'wb') as f:
            f.write(lt.bencode(meta))
    h = add(ses, torrent, dst, args.tracker or None)
    t0 = time.time()
    finished = wait_for(lambda: h.status().is_seeding, [('leecher', ses)], log, args.timeout)
    print(json.dumps({
        'finished': finished, 'seconds': round(time.time() - t0, 3),
        'tracker_replies': [{'who': e['who'], 'num_peers': e['num_peers']} for e in seen(log, 'tracker_reply_alert')],
        'tracker_errors': [{'who': e['who'], 'msg': e['msg']} for e in seen(log, 'tracker_error_alert')],
    }), flush=True)
    wait_stdin_closed(args.timeout, lambda: drain(ses, log, 'leecher'))
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('mode', choices=['swarm', 'seed', 'make', 'leech'])
    ap.add_argument('--tracker', default='')
    ap.add_argument('--torrent', default='')
    ap.add_argument('--workdir', required=True)
    ap.add_argument('--size', type=int, default=256 * 1024)
    ap.add_argument('--seed-port', type=int, default=0)
    ap.add_argument('--leech-port', type=int, default=0)
    ap.add_argument('--host', default='127.0.0.1', help='address the swarm mode sessions listen on (::1 for IPv6)')
    ap.add_argument('--timeout', type=float, default=60)
    args = ap.parse_args()
    if args.mode == 'swarm':
        swarm(args)
        return 0
    return {'seed': seed, 'make': make, 'leech': leech}[args.mode](args)


if __name__ == '__main__':
    sys.exit(main())
