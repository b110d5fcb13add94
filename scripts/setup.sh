#!/usr/bin/env bash
# Installs what hookd needs on a fresh Debian 12 machine: libtorch, microhttpd, SQLite, libpng,
# libjpeg-turbo, zlib, Gloo's headers (for libtorch's c10d, the data-parallel transport), the
# Fashion-MNIST data set, the dashboard's charting library (Debian's libjs-dygraphs; the daemon
# serves it, the page fetches nothing from the network), and the tools the tests drive (sqlite3,
# systemd-analyze, headless chromium for the dashboard and SVG plots, and schemathesis in
# .tools/schemathesis, pinned by scripts/schemathesis-requirements.txt).
# Debian's python3-torch and python3-torchvision (the libtorch build hookd links) are PyTorch's
# side of the weights tests: scripts/weights_oracle.py writes torch.save files and checks that
# torch.load reads hookd's exports. With --peers, also what the benchmarks and the other fixture
# scripts need (python3-pil, g++, wrk).
set -euo pipefail

packages=(
    pkg-config
    libtorch-dev
    libgloo-dev
    libmicrohttpd-dev
    libsqlite3-dev
    sqlite3
    libpng-dev
    libjpeg-dev
    zlib1g-dev
    dataset-fashion-mnist
    systemd
    python3-venv
    libjs-dygraphs
    chromium
    python3-torch
    python3-torchvision
)
if [[ "${1:-}" == "--peers" ]]; then
    packages+=(python3-pil g++ wrk hyperfine)
fi

sudo=""
if [[ "$(id -u)" != 0 ]]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
echo "setup: installed ${#packages[@]} packages"

# schemathesis fuzzes the live daemon against docs/openapi.yaml in the tests. It lives in a venv
# because Debian's python is externally managed; the pins keep a fresh machine on versions known
# to work together (schemathesis 3.39 breaks with newer hypothesis releases).
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.tools/schemathesis"
requirements="$root/scripts/schemathesis-requirements.txt"
if ! cmp -s "$requirements" "$venv/requirements.txt" 2>/dev/null || ! "$venv/bin/st" --version >/dev/null 2>&1; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements"
    cp "$requirements" "$venv/requirements.txt"
fi
echo "setup: $("$venv/bin/st" --version)"
