#!/usr/bin/env bash
# Installs everything Hakam needs to build, test and run on Debian 12.
# Idempotent; uses sudo only when not already root.
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  build-essential cmake ninja-build pkg-config ca-certificates \
  libgrpc++-dev libgrpc-dev protobuf-compiler-grpc grpc-proto \
  libprotobuf-dev protobuf-compiler \
  libre2-dev libabsl-dev libicu-dev libyaml-cpp-dev libssl-dev \
  libsqlite3-dev sqlite3 libsimdjson-dev zlib1g-dev \
  libgtest-dev libgmock-dev libbenchmark-dev \
  hunspell-ar wamerican \
  clang libclang-rt-14-dev \
  > /dev/null
echo "install-deps: done"
