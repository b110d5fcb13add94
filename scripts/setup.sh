#!/usr/bin/env bash
# Installs what hookd needs on a fresh Debian 12 machine: libtorch, microhttpd, SQLite, libpng,
# zlib, the Fashion-MNIST data set, and the tools the tests drive (sqlite3, systemd-analyze).
# With --peers, also what the benchmarks and fixture script need (python3-torch, g++, wrk).
set -euo pipefail

packages=(
    pkg-config
    libtorch-dev
    libmicrohttpd-dev
    libsqlite3-dev
    sqlite3
    libpng-dev
    zlib1g-dev
    dataset-fashion-mnist
    systemd
)
if [[ "${1:-}" == "--peers" ]]; then
    packages+=(python3-torch python3-torchvision g++ wrk hyperfine)
fi

sudo=""
if [[ "$(id -u)" != 0 ]]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
echo "setup: installed ${#packages[@]} packages"
