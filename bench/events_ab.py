#!/usr/bin/python3
"""Does /events cost training? One long run on one daemon, with and without streams open, in turns.

While a run trains, this alternates segments of --segment seconds without streams and with
--streams clients on GET /events (each drained by one select loop here) plus one slow reader (a
4 KiB receive buffer, read 512 bytes every 0.2 s, so the daemon's writes to it stall). Training
speed is the run's global batch counter (GET /runs/{id}) over each segment, the first second
after each switch left out. Turns of seconds, not whole runs: on a shared machine the load
swings over minutes, and neighbouring segments see the same load.

  bench/events_ab.py --binary .build/release/hookd --segments 20
"""
import argparse
import json
import os
import select
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.request

from bench_daemon import cpu_seconds, serving

SPEC = {
    "name": "events-ab",
    "model": {"arch": "simple_cnn", "channels": [1, 16, 32, 64, 10], "batch_norm": True},
    "data": {"format": "synthetic", "shape": [1, 28, 28], "classes": 10, "train_count": 2000 * 64, "valid_count": 64},
    # One intra-op thread: CPU time per batch is then work, not OpenMP spinning on a busy machine.
    "train": {"epochs": 100, "batch_size": 64, "optimizer": "adam", "lr": 0.003, "seed": 42, "threads": 1},
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


def batches_done(port, run_id):
    return http(port, "GET", f"/runs/{run_id}").get("global_batch") or 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default=".build/release/hookd")
    ap.add_argument("--segments", type=int, default=20, help="turns in all (half with streams)")
    ap.add_argument("--segment", type=float, default=6, help="seconds per turn")
    ap.add_argument("--streams", type=int, default=50)
    args = ap.parse_args()
    state = tempfile.mkdtemp(prefix="hookd-events-ab-")
    with serving(args.binary, state) as (port, pid):
        run_id = http(port, "POST", "/runs", SPEC)["id"]
        while batches_done(port, run_id) < 50:  # past start-up and the first batches
            time.sleep(0.2)
        rates = {"without": [], "with": []}
        cpu = {"without": [], "with": []}  # CPU ms the daemon spent per batch trained
        streamed = []
        for turn in range(args.segments):
            mode = "with" if turn % 2 else "without"
            streams = Streams(port, args.streams) if mode == "with" else None
            time.sleep(1)  # let the switch settle
            b0, t0, c0 = batches_done(port, run_id), time.monotonic(), cpu_seconds(pid)
            time.sleep(args.segment - 1)
            b1, t1, c1 = batches_done(port, run_id), time.monotonic(), cpu_seconds(pid)
            cpu[mode].append((c1 - c0) * 1000 / max(1, b1 - b0))
            if streams:
                streams.close()
                streamed.append(streams.bytes)
            rates[mode].append((b1 - b0) / (t1 - t0))
            print(f"turn {turn:2d} {mode:7s} streams: {rates[mode][-1]:7.1f} batches/s, {cpu[mode][-1]:6.1f} CPU ms/batch "
                  f"(load {os.getloadavg()[0]:.1f})", flush=True)
        http(port, "DELETE", f"/runs/{run_id}")
        # Each turn with streams against the mean of the turns either side of it.
        pairs = [w / ((rates["without"][i] + rates["without"][i + 1]) / 2) - 1
                 for i, w in enumerate(rates["with"]) if i + 1 < len(rates["without"])]
        print(f"training with {args.streams}+1 streams: median {statistics.median(pairs) * 100:+.1f}% batches/s "
              f"against the neighbouring turns without ({min(pairs) * 100:+.1f}% to {max(pairs) * 100:+.1f}%, "
              f"{len(pairs)} turns); medians {statistics.median(rates['without']):.1f} vs {statistics.median(rates['with']):.1f} "
              f"batches/s; each drained stream got {statistics.median(streamed) / args.streams / 1e3:.0f} kB per turn")
        # CPU per batch is the work streams add, whatever else the machine runs meanwhile.
        a, b = statistics.median(cpu["without"]), statistics.median(cpu["with"])
        print(f"daemon CPU per batch: {a:.1f} ms without, {b:.1f} ms with streams: {(b / a - 1) * 100:+.1f}%")


if __name__ == "__main__":
    sys.exit(main())
