#!/usr/bin/env bash
# stall-run.sh TREE OUT TAG: grpc-only.sh with the stall trace on (trace in /dev/shm/stall-TAG)
set -u
rm -rf /dev/shm/stall-$3; mkdir -p /dev/shm/stall-$3
STALL_TRACE=/dev/shm/stall-$3 /tmp/grpc-only.sh "$1" "$2"
