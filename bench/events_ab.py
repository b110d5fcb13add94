#!/usr/bin/python3
"""Does /events cost training? Interleaved runs on one daemon, with and without streams open.

One `hookd serve` trains the same spec again and again; every other run has --streams clients on
GET /events (each drained by one select loop here) plus one slow reader (a 4 KiB receive buffer,
read 512 bytes every 0.2 s, so the daemon's writes to it stall). The order alternates ABBA so
drift hits both. Prints each run's training seconds (epoch_metrics) and the median slowdown.

  bench/events_ab.py --binary .build/release/hookd --rounds 4
"""
import argparse
import json
import os
import select
import socket
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import urllib.request

from bench_daemon import serving

SPEC = {
    "name": "events-ab",
    "model": {"arch": "simple_cnn", "channels": [1, 16, 32, 64, 10], "batch_norm": True},
    "data": {"format": "synthetic", "shape": [1, 28, 28], "classes": 10, "train_count": 400 * 64, "valid_count": 64},
    "train": {"epochs": 1, "batch_size": 64, "optimizer": "adam", "lr": 0.003, "seed": 42},
    "hooks": [{"modules": "params", "kind": "forward", "stats": ["mean", "std", "near_zero", "histogram"], "every": 1}],
}


def http(port, method, path, body=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                 data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"{}")


def open_stream(port, rcvbuf=None):
    s = socket.socket()
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.connect(("127.0.0.1", port))
    s.sendall(f"GET /events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n".encode())
    return s


class Streams:
    """N drained streams and one slow one, until close()."""

    def __init__(self, port, count):
        self.fast = [open_stream(port) for _ in range(count)]
        self.slow = open_stream(port, rcvbuf=4096)
        self.bytes = 0
        self.done = False
        self.threads = [threading.Thread(target=self.drain), threading.Thread(target=self.trickle)]
        for t in self.threads:
            t.start()

    def drain(self):
        while not self.done:
            ready, _, _ = select.select(self.fast, [], [], 0.2)
            for s in ready:
                data = s.recv(65536)
                self.bytes += len(data)

    def trickle(self):
        while not self.done:
            self.slow.setblocking(False)
            try:
                self.slow.recv(512)
            except BlockingIOError:
                pass
            time.sleep(0.2)

    def close(self):
        self.done = True
        for t in self.threads:
            t.join()
        for s in self.fast + [self.slow]:
            s.close()


def train_seconds(db, run_id):
    with sqlite3.connect(db) as c:
        return c.execute("SELECT sum(seconds) FROM epoch_metrics WHERE run_id = ?", (run_id,)).fetchone()[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default=".build/release/hookd")
    ap.add_argument("--rounds", type=int, default=4, help="ABBA rounds (each is 4 runs)")
    ap.add_argument("--streams", type=int, default=50)
    args = ap.parse_args()
    state = tempfile.mkdtemp(prefix="hookd-events-ab-")
    with serving(args.binary, state) as port:
        seconds = {"without": [], "with": []}
        streamed = []
        order = ["without", "with", "with", "without"] * args.rounds
        for mode in order:
            streams = Streams(port, args.streams) if mode == "with" else None
            run_id = http(port, "POST", "/runs", SPEC)["id"]
            while http(port, "GET", f"/runs/{run_id}")["status"] in ("queued", "running"):
                time.sleep(0.25)
            if streams:
                time.sleep(0.5)  # the last commits reach the readers
                streams.close()
                streamed.append(streams.bytes)
            took = train_seconds(os.path.join(state, "state", "hookd.sqlite"), run_id)
            seconds[mode].append(took)
            print(f"run {run_id:2d} {mode:7s} streams: {took:6.2f} s", flush=True)
        a, b = statistics.median(seconds["without"]), statistics.median(seconds["with"])
        # ABBA: the i-th run with streams and the i-th without are neighbours in time.
        pairs = [w / wo - 1 for w, wo in zip(seconds["with"], seconds["without"])]
        print(f"slowdown with {args.streams}+1 streams: median of {len(pairs)} neighbouring pairs "
              f"{statistics.median(pairs) * 100:+.1f}% ({min(pairs) * 100:+.1f}% to {max(pairs) * 100:+.1f}%); "
              f"median run {a:.2f} s without, {b:.2f} s with; "
              f"each drained stream got {statistics.median(streamed) / args.streams / 1e6:.1f} MB per run")


if __name__ == "__main__":
    sys.exit(main())
