#!/usr/bin/python3
"""Real-client driver for the private-tracker tests (python3-libtorrent from Debian).

Each libtorrent session gets its own announce URL (its user's passkey); the torrent file itself names no tracker.

Modes:
  swarm   (--leech-tracker may list several URLs, comma-separated: the leecher announces to each of them)
          creates the torrent and prints {"info_hash": ..., "torrent": ...} on one line, then waits for a line on
          stdin (the test registers the torrent meanwhile). Then a seeder (--seed-tracker) and a leecher
          (--leech-tracker) share the file; once the leecher has finished and its 'completed' announce is answered,
          both are made to announce again so the tracker sees final counters, and one JSON line reports what
          libtorrent counted (total_payload_upload / total_payload_download, the values it announces). Both stay
          in the swarm until stdin closes (or --timeout passes).
  probe   creates a torrent, prints {"info_hash": ...} and waits for a line on stdin (the test registers the
          torrent, or not); then announces it to --tracker from an empty leecher and reports whether the tracker
          replied or refused (with libtorrent's failure reason).

Every wait has a deadline; the script always ends by itself. Alert objects die at the next pop_alerts(), so
drain() (from lt_swarm.py) copies what is needed out of them at once.
"""
import argparse
import json
import os
import sys
import select
import time

import libtorrent as lt

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lt_swarm import add, make_torrent, pump, seen, session, wait_for, wait_stdin_closed  # noqa: E402


def wait_stdin_line(timeout, tick):
    """True when a line came on stdin within timeout (tick runs meanwhile), False at EOF or the deadline."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        r, _, _ = select.select([sys.stdin], [], [], 0.2)
        if r:
            return bool(sys.stdin.readline())
        tick()
    return False


def swarm(args):
    tpath, src = make_torrent(args.workdir, args.size)
    print(json.dumps({'info_hash': str(lt.torrent_info(tpath).info_hash()), 'torrent': tpath}), flush=True)
    if not sys.stdin.readline():
        return 1
    seeder = session(args.seed_port)
    leecher = session(args.leech_port)
    sessions = [('seeder', seeder), ('leecher', leecher)]
    log = []
    hs = add(seeder, tpath, src, args.seed_tracker)
    ok_seed = wait_for(lambda: hs.status().is_seeding and seen(log, 'tracker_reply_alert', 'seeder'), sessions, log, args.timeout)
    if args.hold_before_leech:
        # the caller checks that the leecher's trackers list the seeder (a cluster replicates it) before the leecher
        # asks them: else a leecher that got no peer would wait a whole announce interval
        print(json.dumps({'seeded': ok_seed}), flush=True)
        if not wait_stdin_line(args.timeout, lambda: pump(sessions, log)):
            return 1
    dst = os.path.join(args.workdir, 'leech')
    os.makedirs(dst, exist_ok=True)
    hl = add(leecher, tpath, dst, args.leech_tracker.split(','))
    finished = wait_for(lambda: hl.status().is_seeding, sessions, log, args.timeout)
    t_done = time.time()
    completed_ack = wait_for(lambda: seen(log, 'tracker_reply_alert', 'leecher', t_done - 0.5), sessions, log, args.timeout)
    # Both are seeders now: their counters no longer move. Read them, then have both announce them.
    seed_status = hs.status()
    leech_status = hl.status()
    t_re = time.time()
    for h in (hs, hl):
        h.force_reannounce(0, -1, lt.reannounce_flags_t.ignore_min_interval)
    reannounced = wait_for(lambda: seen(log, 'tracker_reply_alert', 'seeder', t_re) and seen(log, 'tracker_reply_alert', 'leecher', t_re),
                       sessions, log, args.timeout)
    with open(os.path.join(src, 'payload.bin'), 'rb') as f1, open(os.path.join(dst, 'payload.bin'), 'rb') as f2:
        same = f1.read() == f2.read() if finished else False
    print(json.dumps({
        'seeded': ok_seed, 'finished': finished, 'identical': same, 'completed_acknowledged': completed_ack,
        'reannounced': reannounced,
        'seeder': {'uploaded': seed_status.total_payload_upload, 'downloaded': seed_status.total_payload_download},
        'leecher': {'uploaded': leech_status.total_payload_upload, 'downloaded': leech_status.total_payload_download},
        'piece_length': lt.torrent_info(tpath).piece_length(),
        'tracker_errors': [{'who': e['who'], 'reason': e['reason']} for e in seen(log, 'tracker_error_alert')],
    }), flush=True)
    wait_stdin_closed(args.timeout, lambda: pump(sessions, log))
    return 0


def probe(args):
    tpath, _ = make_torrent(args.workdir, args.size)
    print(json.dumps({'info_hash': str(lt.torrent_info(tpath).info_hash()), 'torrent': tpath}), flush=True)
    if not sys.stdin.readline():
        return 1
    ses = session(args.seed_port)
    log = []
    dst = os.path.join(args.workdir, 'probe')
    os.makedirs(dst, exist_ok=True)
    add(ses, tpath, dst, args.tracker)
    answered = wait_for(lambda: seen(log, 'tracker_reply_alert') or seen(log, 'tracker_error_alert'), [('probe', ses)], log,
                    args.timeout)
    print(json.dumps({
        'answered': answered,
        'replies': len(seen(log, 'tracker_reply_alert')),
        'errors': [e['reason'] or e['msg'] for e in seen(log, 'tracker_error_alert')],
    }), flush=True)
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('mode', choices=['swarm', 'probe'])
    ap.add_argument('--seed-tracker')
    ap.add_argument('--leech-tracker')
    ap.add_argument('--tracker')
    ap.add_argument('--workdir', required=True)
    ap.add_argument('--size', type=int, default=256 * 1024)
    ap.add_argument('--seed-port', type=int, required=True)
    ap.add_argument('--leech-port', type=int, default=0)
    ap.add_argument('--timeout', type=float, default=60)
    ap.add_argument('--hold-before-leech', action='store_true',
                    help="swarm: print {'seeded': ...} once the seeder announced and wait for a stdin line before the leecher starts")
    args = ap.parse_args()
    return swarm(args) if args.mode == 'swarm' else probe(args)


if __name__ == '__main__':
    sys.exit(main())
