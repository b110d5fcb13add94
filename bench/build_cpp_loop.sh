#!/bin/sh
# Build the plain C++ libtorch peer against Debian's libtorch-dev (1.13.1) into bench/bin/
# (git-ignored). Usage: bench/build_cpp_loop.sh && bench/bin/cpp_loop --help-less flags, see cpp_loop.cpp
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$here/bin"
${CXX:-g++} -O2 -std=c++17 -pthread \
  -I/usr/include/torch/csrc/api/include \
  "$here/cpp_loop.cpp" -o "$here/bin/cpp_loop" \
  -ltorch -ltorch_cpu -lc10 -lz
echo "built $here/bin/cpp_loop"
