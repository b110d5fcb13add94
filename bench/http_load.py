#!/usr/bin/python3
"""hookd's HTTP API under wrk while a run trains, against a bare microhttpd server.

    /usr/bin/python3 bench/http_load.py [--seconds 10] [--connections 32] [--host 127.0.0.1]

1. Starts `hookd serve` (release build) on --host (127.0.0.1; `::1` or `::` for IPv6) with a
   temporary state directory and a long Fashion-MNIST run, waits until it trains and has
   statistics for layer 0.0.
2. Measures training speed (hookd_images_total from /metrics) idle, then under
   `wrk -c32 --latency` on GET /stats/0.0?limit=100, then idle again.
3. Stops hookd (SIGTERM) and runs the same wrk against bench/bin/bare_mhd answering every GET
   with a body of the same size, in the same thread mode (bare_mhd listens on IPv4 only).
With --pin, hookd's `training.cpus` [0] and `http.cpus` [1] train on one intra-op thread on
CPU 0 and serve on CPU 1, and wrk and bare_mhd run on CPU 1 too (PERF-NOTES item 5: isolation
at the price of a core).
Prints the figures and ratios for BENCHMARKS.md. Needs wrk (scripts/setup.sh --peers), a C
compiler and `swift build -c release`.
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PORT, BARE_PORT = 18742, 18743
PATH = "/stats/0.0?limit=100"
HOST = "127.0.0.1"  # where the clients connect to hookd; main() sets it from --host


def connect_host(listen_host):
    """The address to reach a daemon listening on `listen_host`: brackets off, and a wildcard
    (0.0.0.0, ::) replaced by the loopback address of its family."""
    host = listen_host.strip("[]")
    return {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)


def url(host, port, path):
    """http://host:port/path with an IPv6 host in brackets (http://[::1]:18742/...)."""
    return f"http://[{host}]:{port}{path}" if ":" in host else f"http://{host}:{port}{path}"


def get(path):
    with urllib.request.urlopen(url(HOST, PORT, path), timeout=10) as r:
        return r.read()


def images_total():
    text = get("/metrics").decode()
    m = re.search(r"^hookd_images_total(?:\{[^}]*\})? ([0-9.e+]+)$", text, re.M)
    return float(m.group(1)) if m else 0.0


def training_rate(seconds):
    a, t0 = images_total(), time.time()
    time.sleep(seconds)
    return (images_total() - a) / (time.time() - t0)


def on_cpu1(pin):
    """The command prefix that runs a client or bare_mhd on the server's core under --pin."""
    return ["taskset", "-c", "1"] if pin else []


def wrk(url, seconds, connections, pin=False):
    out = subprocess.run(on_cpu1(pin) + ["wrk", f"-c{connections}", "-t2", f"-d{seconds}s", "--latency", url],
                         check=True, capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))
    p99 = re.search(r"99%\s+([0-9.]+)(us|ms|s)", out)
    p99_ms = float(p99.group(1)) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[p99.group(2)]
    errors = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p99_ms": p99_ms, "errors": errors + (int(non2xx.group(1)) if non2xx else 0)}


def poll(port, path, rate, seconds):
    """A realistic poller: `rate` GETs per second on one keep-alive connection; latencies in ms."""
    import http.client
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    latencies, errors, start = [], 0, time.time()
    for i in range(int(rate * seconds)):
        time.sleep(max(0.0, start + i / rate - time.time()))
        t0 = time.time()
        try:
            conn.request("GET", path)
            r = conn.getresponse()
            r.read()
            errors += r.status != 200
        except Exception:
            errors += 1
            conn = http.client.HTTPConnection(HOST, port, timeout=10)
        latencies.append((time.time() - t0) * 1000)
    latencies.sort()
    return {"rps": len(latencies) / (time.time() - start), "p99_ms": latencies[int(len(latencies) * 0.99) - 1],
            "errors": errors}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--nice", default="config", help="server threads' nice value (an integer, 'none', or 'config')")
    ap.add_argument("--poll-rate", type=float, default=0, help="also measure a poller at this many req/s")
    ap.add_argument("--host", default="127.0.0.1", help="hookd's listen.host (an IPv4 or IPv6 literal)")
    ap.add_argument("--pin", action="store_true", help="training (1 thread) on CPU 0, server and wrk on CPU 1")
    args = ap.parse_args()
    if args.pin and not {0, 1} <= os.sched_getaffinity(0):
        raise SystemExit(f"--pin needs CPUs 0 and 1; this process may use {sorted(os.sched_getaffinity(0))}")
    global HOST
    HOST = connect_host(args.host)
    state = tempfile.mkdtemp(prefix="hookd-httpbench-")
    spec = json.load(open(os.path.join(ROOT, "config", "default-run.json")))
    spec["train"]["epochs"] = 20
    spec_path = os.path.join(state, "long-run.json")
    json.dump(spec, open(spec_path, "w"))
    config = json.load(open(os.path.join(ROOT, "config", "hookd.json")))
    config["listen"]["host"] = args.host
    config["listen"]["port"] = PORT
    config["storage"] = {"database": os.path.join(state, "hookd.sqlite"), "state_directory": state}
    config["runs_at_start"] = [spec_path]
    if args.pin:
        config["training"]["threads"] = None  # one per pinned CPU
        config["training"]["cpus"] = [0]
        config["http"]["cpus"] = [1]
    if args.nice != "config":
        config["http"]["thread_nice"] = None if args.nice == "none" else int(args.nice)
    config_path = os.path.join(state, "hookd.json")
    json.dump(config, open(config_path, "w"))
    daemon = subprocess.Popen([os.path.join(ROOT, ".build", "release", "hookd"), "serve", "--config", config_path],
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if json.loads(get(PATH))["batch"]:
                    break
            except Exception:
                pass
            time.sleep(0.5)
        body = len(get(PATH))
        idle_before = training_rate(args.seconds)
        load = {}
        a, t0 = images_total(), time.time()
        load = wrk(url(HOST, PORT, PATH), args.seconds, args.connections, args.pin)
        under_load = (images_total() - a) / (time.time() - t0)
        idle_after = training_rate(args.seconds)
        if args.poll_rate:
            a, t0 = images_total(), time.time()
            polled = poll(PORT, PATH, args.poll_rate, args.seconds)
            polled["train_img_s"] = (images_total() - a) / (time.time() - t0)
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=60)
        shutil.rmtree(state, ignore_errors=True)
    os.makedirs(os.path.join(HERE, "bin"), exist_ok=True)
    bare_bin = os.path.join(HERE, "bin", "bare_mhd")
    subprocess.run(["cc", "-O2", "-o", bare_bin, os.path.join(HERE, "bare_mhd.c"), "-lmicrohttpd"], check=True)
    bare = subprocess.Popen(on_cpu1(args.pin) + [bare_bin, str(BARE_PORT), str(body), str(config["http"]["threads"])])
    try:
        time.sleep(0.5)
        bare_load = wrk(url("127.0.0.1", BARE_PORT, "/"), args.seconds, args.connections, args.pin)
    finally:
        bare.terminate()
        bare.wait()
    idle = (idle_before + idle_after) / 2
    print(json.dumps({"body_bytes": body, "hookd": load, "bare_mhd": bare_load, "train_idle_img_s": idle,
                      "train_under_load_img_s": under_load}))
    print(f"\n| GET {PATH} ({body} B), wrk -c{args.connections} {args.seconds}s | req/s | p99 | errors |")
    print("|---|---|---|---|")
    print(f"| hookd (while training) | {load['rps']:.0f} | {load['p99_ms']:.2f} ms | {load['errors']} |")
    print(f"| bare microhttpd | {bare_load['rps']:.0f} | {bare_load['p99_ms']:.2f} ms | {bare_load['errors']} |")
    print(f"| hookd / bare | {load['rps'] / bare_load['rps']:.2f}x | | |")
    print(f"\ntraining: {idle:.0f} img/s idle, {under_load:.0f} img/s under load ({under_load / idle - 1:+.1%})")
    if args.poll_rate:
        print(f"poller at {args.poll_rate:.0f} req/s: p99 {polled['p99_ms']:.2f} ms, {polled['errors']} errors, "
              f"training {polled['train_img_s']:.0f} img/s ({polled['train_img_s'] / idle - 1:+.1%})")


if __name__ == "__main__":
    main()
