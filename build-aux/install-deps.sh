#!/bin/sh
# Installs what kennel needs to build, test and benchmark on Debian 12:
# the Autotools, a C compiler, Boehm GC, GNU Guile and Node.js (benchmark
# references), gnuplot (plots), GNU time and valgrind.
set -e
packages="autoconf automake libtool pkg-config make gcc clang libgc-dev guile-3.0 nodejs
  gnuplot-nox time valgrind python3"
if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
# shellcheck disable=SC2086
$sudo apt-get install -y -q $packages
