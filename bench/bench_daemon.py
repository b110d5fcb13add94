"""What the daemon benchmarks share: a stats file with one tiny run, and `hookd serve` on it."""
import contextlib
import json
import os
import socket
import subprocess
import time
import urllib.request

TINY_SPEC = {"name": "long", "model": {"arch": "simple_cnn", "channels": [1, 4, 8, 4], "batch_norm": True},
             "data": {"format": "synthetic", "shape": [1, 8, 8], "classes": 4, "train_count": 80, "valid_count": 16},
             "train": {"epochs": 1, "batch_size": 8, "threads": 1}}


def by_row(table, key, columns):
    """The by-row downsampling of a batch range to :l rows (first and last kept)."""
    return f"""
    WITH f AS (SELECT batch, {columns}, row_number() OVER (ORDER BY batch) - 1 AS rn, count(*) OVER () AS n
               FROM {table} WHERE {key})
    SELECT batch FROM f WHERE n <= :l OR rn = 0 OR (rn * (:l - 1)) / (n - 1) <> ((rn - 1) * (:l - 1)) / (n - 1)
    ORDER BY batch
    """


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tiny_run_file(hookd, work):
    """`hookd train` TINY_SPEC into work/hookd.sqlite (the schema and run 1); returns the path."""
    db_path = os.path.join(work, "hookd.sqlite")
    with open(os.path.join(work, "spec.json"), "w") as f:
        json.dump(TINY_SPEC, f)
    subprocess.run([hookd, "train", os.path.join(work, "spec.json"), "--db", db_path], check=True, capture_output=True)
    return db_path


@contextlib.contextmanager
def serving(hookd, work, db_path=None, port=None):
    """`hookd serve` on 127.0.0.1 (state in work/state, the stats file db_path or its default),
    answering /health; yields (port, pid), and stops the daemon on the way out."""
    port = port or free_port()
    storage = {"state_directory": os.path.join(work, "state")}
    if db_path:
        storage["database"] = db_path
    config = os.path.join(work, "hookd.json")
    with open(config, "w") as f:
        json.dump({"listen": {"host": "127.0.0.1", "port": port}, "storage": storage}, f)
    daemon = subprocess.Popen([hookd, "serve", "--config", config], stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        yield port, daemon.pid
    finally:
        daemon.terminate()
        daemon.wait(timeout=60)


def cpu_seconds(pid):
    """User plus system CPU time of the whole process so far (/proc/PID/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
