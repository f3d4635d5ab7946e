#!/usr/bin/python3
"""How often one real client announces: python3-libtorrent with N torrents against a counting HTTP tracker on
loopback that answers every announce with `interval` seconds. Prints the announces of the first seconds (the burst
at start) and the steady rate; the figures behind limits.announce-burst and limits.announces-per-minute (README,
"Abuse limits"). Bounded: runs for --seconds, then stops the session and the server.

  scripts/measure-client-announces.py --torrents 3000 --interval 60 --seconds 150
"""
import argparse
import hashlib
import os
import http.server
import threading
import time

import libtorrent as lt

ap = argparse.ArgumentParser()
ap.add_argument("--torrents", type=int, default=3000)
ap.add_argument("--interval", type=int, default=60)
ap.add_argument("--seconds", type=int, default=150)
ap.add_argument("--auto-managed", action="store_true", help="libtorrent's default queueing (else every torrent active)")
args = ap.parse_args()

times = []
lock = threading.Lock()
start = time.monotonic()


class Counter(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with lock:
            times.append(time.monotonic() - start)
        body = b"d8:intervali%de5:peers0:e" % args.interval
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up on this announce; it was counted

    def log_message(self, *a):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Counter)
threading.Thread(target=server.serve_forever, daemon=True).start()
url = "http://127.0.0.1:%d/announce" % server.server_address[1]

s = lt.session({"listen_interfaces": "127.0.0.1:0", "enable_dht": False, "enable_lsd": False, "enable_upnp": False,
                "enable_natpmp": False, "alert_mask": 0})
for i in range(args.torrents):
    p = lt.add_torrent_params()
    p.info_hashes = lt.info_hash_t(lt.sha1_hash(hashlib.sha1(b"measure-%d" % i).digest()))
    p.trackers = [url]
    p.save_path = "/tmp"
    flags = p.flags & ~lt.torrent_flags.paused
    p.flags = flags | lt.torrent_flags.auto_managed if args.auto_managed else flags & ~lt.torrent_flags.auto_managed
    s.async_add_torrent(p)
deadline = start + args.seconds
while time.monotonic() < deadline:
    time.sleep(1)
with lock:
    t = sorted(times)
first10 = sum(1 for x in t if x < 10)
first60 = sum(1 for x in t if x < 60)
late = [x for x in t if x >= args.seconds - 60]
print("torrents=%d interval=%ds auto_managed=%s: %d announces in %ds; first 10 s: %d, first 60 s: %d, last 60 s: %d"
      % (args.torrents, args.interval, args.auto_managed, len(t), args.seconds, first10, first60, len(late)))
print("per torrent per interval in the last 60 s: %.2f" % (len(late) / args.torrents / (60 / args.interval)),
      flush=True)
# Ending the session would send a 'stopped' for every torrent and wait for the answers: not part of the measurement.
os._exit(0)
