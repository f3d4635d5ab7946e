#!/usr/bin/python3
"""Real-client driver for the ratio-rule tests (python3-libtorrent from Debian): several members, each with its own
libtorrent session on 127.0.0.1 and its own passkey URL, driven by one command a line on stdin; every command
answers with one JSON line on stdout.

Commands (NAME is a torrent made by `make`, MEMBER a session made by `member`):
  member MEMBER URL          a session on 127.0.0.1 port 0 (libtorrent binds a free port and announces it) that
                             announces to URL (the member's passkey URL); answers {"ok", "port": the bound port}
  make NAME                  a new 256 KiB torrent; answers {"info_hash": ...}
  seed MEMBER NAME           adds NAME with its data; answers when the tracker replied or refused
  leech MEMBER NAME          adds NAME without data; answers when it finished or the tracker refused (the torrent is
                             then removed): {"finished", "errors": [failure reasons], "uploaded", "downloaded"}
  reannounce MEMBER NAME     announces now; answers with the counters libtorrent announced
  wait-upload MEMBER NAME N  answers once the member has uploaded at least N payload bytes of NAME
  remove MEMBER NAME         removes the torrent (libtorrent announces 'stopped'); answers with its counters

Every wait has a deadline (--timeout); the script ends when stdin closes or after --lifetime.
Alert objects die at the next pop_alerts(), so drain() (from lt_swarm.py) copies what is needed out of them at once.
"""
import argparse
import json
import os
import select
import sys
import time

import libtorrent as lt

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lt_swarm import drain, make_torrent, seen, session  # noqa: E402


class Driver:
    def __init__(self, workdir, timeout):
        self.workdir = workdir
        self.timeout = timeout
        self.members = {}   # member -> (session, url)
        self.handles = {}   # (member, name) -> handle
        self.torrents = {}  # name -> (torrent path, seed dir)
        self.log = []

    def pump(self):
        for name, (ses, _) in self.members.items():
            drain(ses, self.log, name)

    def wait_for(self, pred):
        deadline = time.time() + self.timeout
        while time.time() < deadline:
            self.pump()
            if pred():
                return True
            time.sleep(0.05)
        return False

    def add(self, member, name, save):
        ses, url = self.members[member]
        p = lt.add_torrent_params()
        p.ti = lt.torrent_info(self.torrents[name][0])
        p.save_path = save
        p.trackers = [url]
        h = ses.add_torrent(p)
        self.handles[(member, name)] = h
        return h

    def counters(self, member, name):
        s = self.handles[(member, name)].status()
        return {'uploaded': s.total_payload_upload, 'downloaded': s.total_payload_download}

    def errors(self, member, since):
        return [e['reason'] or e['msg'] for e in seen(self.log, 'tracker_error_alert', member, since)]

    def cmd_member(self, member, url):
        ses = session(0)
        self.members[member] = (ses, url)
        return {'ok': True, 'port': ses.listen_port()}

    def cmd_make(self, name):
        d = os.path.join(self.workdir, name)
        tpath, src = make_torrent(d, 256 * 1024)
        self.torrents[name] = (tpath, src)
        return {'info_hash': str(lt.torrent_info(tpath).info_hash()), 'torrent': tpath,
                'piece_length': lt.torrent_info(tpath).piece_length()}

    def cmd_seed(self, member, name):
        t0 = time.time()
        h = self.add(member, name, self.torrents[name][1])
        ok = self.wait_for(lambda: h.status().is_seeding and (seen(self.log, 'tracker_reply_alert', member, t0)
                                                              or seen(self.log, 'tracker_error_alert', member, t0)))
        return {'ok': ok and not self.errors(member, t0), 'errors': self.errors(member, t0)}

    def cmd_leech(self, member, name):
        t0 = time.time()
        dst = os.path.join(self.workdir, 'leech-' + member, name)
        os.makedirs(dst, exist_ok=True)
        h = self.add(member, name, dst)
        self.wait_for(lambda: h.status().is_seeding or self.errors(member, t0))
        errors = self.errors(member, t0)
        finished = h.status().is_seeding
        out = {'finished': finished, 'errors': errors}
        out.update(self.counters(member, name))
        if finished:
            # The 'completed' announce is answered before the caller looks at the accounting.
            t_done = time.time()
            out['completed_acknowledged'] = self.wait_for(
                lambda: seen(self.log, 'tracker_reply_alert', member, t_done - 1.0))
        else:
            self.members[member][0].remove_torrent(h)
            del self.handles[(member, name)]
        return out

    def cmd_reannounce(self, member, name):
        h = self.handles[(member, name)]
        out = self.counters(member, name)
        t0 = time.time()
        h.force_reannounce(0, -1, lt.reannounce_flags_t.ignore_min_interval)
        out['answered'] = self.wait_for(lambda: seen(self.log, 'tracker_reply_alert', member, t0)
                                        or seen(self.log, 'tracker_error_alert', member, t0))
        out['errors'] = self.errors(member, t0)
        return out

    def cmd_wait_upload(self, member, name, n):
        h = self.handles[(member, name)]
        ok = self.wait_for(lambda: h.status().total_payload_upload >= int(n))
        out = {'ok': ok}
        out.update(self.counters(member, name))
        return out

    def cmd_remove(self, member, name):
        out = self.counters(member, name)
        self.members[member][0].remove_torrent(self.handles.pop((member, name)))
        return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--workdir', required=True)
    ap.add_argument('--timeout', type=float, default=30)
    ap.add_argument('--lifetime', type=float, default=240)
    args = ap.parse_args()
    d = Driver(args.workdir, args.timeout)
    end = time.time() + args.lifetime
    print(json.dumps({'ready': True}), flush=True)
    while time.time() < end:
        r, _, _ = select.select([sys.stdin], [], [], 0.1)
        if not r:
            d.pump()  # keep the alert queues short while waiting for the next command
            continue
        line = sys.stdin.readline()
        if not line:
            break
        words = line.split()
        if not words:
            continue
        try:
            out = getattr(d, 'cmd_' + words[0].replace('-', '_'))(*words[1:])
        except Exception as e:  # reported to the test, which fails with it
            out = {'error': '%s: %s' % (type(e).__name__, e)}
        print(json.dumps(out), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
