#!/usr/bin/env bash
# Two loop devices over one backing file, both with direct I/O: two "hosts" sharing one
# LUN, each with its own page cache. Block-medium tests find them in ARRAYSOCK_LOOP_A/B.
#
#   eval "$(sudo scripts/loopdev.sh attach [SIZE])"   # SIZE as truncate(1) reads it; default 1G
#   sudo scripts/loopdev.sh detach
#   scripts/loopdev.sh status
#
# ARRAYSOCK_LOOP_FILE  backing file  (default /var/tmp/arraysock-loop.img, sparse)
# ARRAYSOCK_LOOP_STATE state file    (default /run/arraysock-loop.env): the pair attach made,
#                                     so detach removes exactly those and nothing else.
# Only the export lines go to stdout; everything else goes to stderr.
set -euo pipefail

LOOP_FILE=${ARRAYSOCK_LOOP_FILE:-/var/tmp/arraysock-loop.img}
STATE_FILE=${ARRAYSOCK_LOOP_STATE:-/run/arraysock-loop.env}
DEFAULT_SIZE=1G
# The protocol's sector; loop devices default to it, but say so rather than rely on it.
SECTOR_SIZE=512
# Tests assume a zeroed start (superblock, node table): clear the first MiB on attach.
ZERO_MIB=1

die() { echo "loopdev.sh: $*" >&2; exit 1; }
say() { echo "loopdev.sh: $*" >&2; }

need_root() {
    [[ $(id -u) -eq 0 ]] || die "must run as root (losetup needs it): sudo $0 $*"
    command -v losetup >/dev/null || die "losetup not found (Debian package: mount)"
}

# The backing file of a loop device, or nothing if it is not attached.
backing_of() {
    losetup --noheadings --output BACK-FILE "$1" 2>/dev/null | sed 's/[[:space:]]*$//' || true
}

# Whether the state file names two devices still attached to LOOP_FILE.
state_valid() {
    [[ -f $STATE_FILE ]] || return 1
    local a b
    a=$(sed -n 's/^export ARRAYSOCK_LOOP_A=//p' "$STATE_FILE")
    b=$(sed -n 's/^export ARRAYSOCK_LOOP_B=//p' "$STATE_FILE")
    [[ -n $a && -n $b && -b $a && -b $b ]] || return 1
    [[ $(backing_of "$a") == "$LOOP_FILE" && $(backing_of "$b") == "$LOOP_FILE" ]]
}

attach_one() {
    local dev
    dev=$(losetup --find --show --direct-io=on --sector-size "$SECTOR_SIZE" "$LOOP_FILE") \
        || die "losetup --find failed on $LOOP_FILE (is the loop module loaded? try: modprobe loop)"
    local name=${dev#/dev/}
    local dio ss
    dio=$(cat "/sys/block/$name/loop/dio" 2>/dev/null || echo "?")
    ss=$(blockdev --getss "$dev")
    if [[ $dio != 1 || $ss != "$SECTOR_SIZE" ]]; then
        losetup -d "$dev" || true
        die "$dev: direct I/O=$dio, logical sector size=$ss; need 1 and $SECTOR_SIZE (file system of $LOOP_FILE must support O_DIRECT)"
    fi
    echo "$dev"
}

attach() {
    need_root attach
    local size=${1:-$DEFAULT_SIZE}
    if state_valid; then
        say "already attached (state in $STATE_FILE)"
    else
        detach_quietly
        mkdir -p "$(dirname "$LOOP_FILE")" "$(dirname "$STATE_FILE")"
        rm -f "$LOOP_FILE"
        truncate -s "$size" "$LOOP_FILE" || die "cannot create $LOOP_FILE of size $size"
        local a b
        a=$(attach_one)
        b=$(attach_one) || { losetup -d "$a"; exit 1; }
        local tmp="$STATE_FILE.tmp.$$"
        printf 'export ARRAYSOCK_LOOP_A=%s\nexport ARRAYSOCK_LOOP_B=%s\n' "$a" "$b" >"$tmp"
        mv "$tmp" "$STATE_FILE"
        say "attached $a and $b over $LOOP_FILE ($size, direct I/O, $SECTOR_SIZE-byte sectors)"
    fi
    local a b
    a=$(sed -n 's/^export ARRAYSOCK_LOOP_A=//p' "$STATE_FILE")
    b=$(sed -n 's/^export ARRAYSOCK_LOOP_B=//p' "$STATE_FILE")
    dd if=/dev/zero of="$a" bs=1M count="$ZERO_MIB" oflag=direct conv=notrunc status=none \
        || die "cannot zero the first ${ZERO_MIB} MiB of $a"
    # drop whatever either node cached before the zeroing
    blockdev --flushbufs "$a" "$b"
    cat "$STATE_FILE"
}

# Detaches the devices named in the state file (if still on LOOP_FILE) and any other loop
# device on LOOP_FILE, then removes the backing file and the state file.
detach_quietly() {
    local devs=()
    if [[ -f $STATE_FILE ]]; then
        local d
        for d in $(sed -n 's/^export ARRAYSOCK_LOOP_[AB]=//p' "$STATE_FILE"); do
            [[ $(backing_of "$d") == "$LOOP_FILE" ]] && devs+=("$d")
        done
    fi
    if [[ -e $LOOP_FILE ]]; then
        local d
        for d in $(losetup --noheadings --output NAME --associated "$LOOP_FILE"); do
            [[ " ${devs[*]} " == *" $d "* ]] || devs+=("$d")
        done
    fi
    local d
    for d in "${devs[@]}"; do
        losetup -d "$d" || die "cannot detach $d"
        say "detached $d"
    done
    rm -f "$STATE_FILE"
}

detach() {
    need_root detach
    detach_quietly
    rm -f "$LOOP_FILE"
    say "removed $LOOP_FILE"
}

status() {
    if state_valid; then
        cat "$STATE_FILE"
    else
        say "not attached (no valid $STATE_FILE)"
        return 1
    fi
}

case ${1:-} in
    attach) shift; attach "$@" ;;
    detach) detach ;;
    status) status ;;
    *) die "usage: $0 attach [SIZE] | detach | status" ;;
esac
