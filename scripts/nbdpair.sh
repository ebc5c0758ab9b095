#!/usr/bin/env bash
# Two "hosts" sharing one LUN over a real SAN protocol (NBD), each with its own page cache
# and its own storage path. Block-medium tests find the two device nodes in
# ARRAYSOCK_NBD_A/B, beside the loop pair of scripts/loopdev.sh.
#
#   eval "$(sudo scripts/nbdpair.sh attach [SIZE])"   # SIZE as truncate(1) reads it; default 1G
#   sudo scripts/nbdpair.sh detach
#   scripts/nbdpair.sh status
#
# What attach builds (no kernel NBD client is needed; these VMs have none):
#
#   root namespace                          namespace arraysock-T-a ("host a")
#   nbdkit file FILE  <-- veth 169.254.S.1 --- 169.254.S.2: nbdfuse MNT/a/disk
#    + error, pause                                          losetup --direct-io=on -> ARRAYSOCK_NBD_A
#   nbdkit file FILE  <-- veth 169.254.S.5 --- 169.254.S.6: nbdfuse MNT/b/disk     (namespace ...-b)
#    + error, pause                                          losetup --direct-io=on -> ARRAYSOCK_NBD_B
#
# One backing file, served by one nbdkit per host: the array's front-end port for that host,
# so a fault can hit one host's path and not the other's. Each server listens only on its
# veth address (nbdkit would listen on every interface by default), without TLS (its default).
# The two servers share the file through the server's page cache, so the export is one
# coherent disk; attach checks that an O_DIRECT write through each node is seen by an O_DIRECT
# read through the other before it reports success.
#
# SAN faults, per host (h = A or B), through what attach exports:
#   ARRAYSOCK_NBD_h_FAIL   a path: while it exists, every request of host h fails with EIO
#                          (nbdkit error filter), as when the host's path to the array is lost
#   ARRAYSOCK_NBD_h_PAUSE  a Unix socket (nbdkit pause filter): send 'p' and requests of host h
#                          wait until 'r' is sent (each is echoed upper-case once in effect):
#                          a latency spike of any length
#
# ARRAYSOCK_NBD_FILE   backing file (default /var/tmp/arraysock-nbd.img, sparse)
# ARRAYSOCK_NBD_STATE  state file   (default /run/arraysock-nbd.env): the export lines; beside
#                      it, STATE.d/ holds what attach made (its "made" list, pid files, mounts,
#                      logs), so detach removes exactly those and nothing else.
# ARRAYSOCK_NBD_SUBNET the 169.254.S prefix of the two /30 links (default: derived from the
#                      state file's path, so two pairs with different state files differ)
# Only the export lines go to stdout; everything else goes to stderr.
set -euo pipefail

NBD_FILE=${ARRAYSOCK_NBD_FILE:-/var/tmp/arraysock-nbd.img}
STATE_FILE=${ARRAYSOCK_NBD_STATE:-/run/arraysock-nbd.env}
RUN_DIR=${STATE_FILE%.env}.d
MADE=$RUN_DIR/made
DEFAULT_SIZE=1G
SECTOR_SIZE=512
ZERO_MIB=1
NBD_PORT=10809
READY_TIMEOUT_TENTHS=100
# A short tag from the state file's path names this pair's namespaces and links.
TAG=$(printf '%s' "$STATE_FILE" | cksum | awk '{printf "%04x", $1 % 65536}')
SUBNET=${ARRAYSOCK_NBD_SUBNET:-169.254.$((0x$TAG % 200 + 20))}

die() { echo "nbdpair.sh: $*" >&2; exit 1; }
say() { echo "nbdpair.sh: $*" >&2; }

need_root() {
    [[ $(id -u) -eq 0 ]] || die "must run as root (namespaces, FUSE and losetup need it): sudo $0 $*"
    local cmd pkg
    for cmd in nbdkit:nbdkit nbdfuse:libnbd-bin fusermount3:fuse3 losetup:mount ip:iproute2 nsenter:util-linux; do
        pkg=${cmd#*:}
        command -v "${cmd%%:*}" >/dev/null || die "${cmd%%:*} not found (Debian package: $pkg)"
    done
    [[ -e /dev/fuse ]] || die "/dev/fuse is missing: FUSE is not available on this kernel"
}

# Records one thing attach made, before the next step can fail.
made() { echo "$*" >>"$MADE"; }

netns_of() { echo "arraysock-$TAG-$1"; }
link_of() { echo "asn$TAG$1"; }          # inside the namespace (at most 15 characters)
server_addr() { [[ $1 == a ]] && echo "$SUBNET.1" || echo "$SUBNET.5"; }
client_addr() { [[ $1 == a ]] && echo "$SUBNET.2" || echo "$SUBNET.6"; }

backing_of() {
    losetup --noheadings --output BACK-FILE "$1" 2>/dev/null | sed 's/[[:space:]]*$//' || true
}

# Waits until FILE exists and is not empty.
await_file() {
    local file=$1 what=$2 i
    for ((i = 0; i < READY_TIMEOUT_TENTHS; i++)); do
        [[ -s $file ]] && return 0
        sleep 0.1
    done
    die "$what did not become ready within $((READY_TIMEOUT_TENTHS / 10)) s (see $RUN_DIR/*.log)"
}

# Whether PID still runs COMMAND (not reused, not a zombie).
runs() {
    local pid=$1 command=$2
    [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$command" ]] || return 1
    [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]]
}

await_exit() {
    local pid=$1 command=$2 i
    for ((i = 0; i < READY_TIMEOUT_TENTHS; i++)); do
        runs "$pid" "$command" || return 0
        sleep 0.1
    done
    return 1
}

state_valid() {
    [[ -f $STATE_FILE && -f $MADE ]] || return 1
    local h dev
    for h in A B; do
        dev=$(sed -n "s/^export ARRAYSOCK_NBD_$h=//p" "$STATE_FILE")
        [[ -n $dev && -b $dev ]] || return 1
        [[ $(backing_of "$dev") == "$RUN_DIR/mnt/${h,,}/disk" ]] || return 1
    done
    local pid command
    while read -r pid command; do
        runs "$pid" "$command" || return 1
    done < <(awk '$1 == "server" || $1 == "client" {print $2, $3}' "$MADE")
}

link_host() {
    local h=$1 ns link
    ns=$(netns_of "$h")
    link=$(link_of "$h")
    ip netns add "$ns" || die "cannot create network namespace $ns"
    made netns "$ns"
    ip link add "$link-h" type veth peer name "$link" || die "cannot create veth pair $link-h/$link"
    made veth "$link-h"
    ip link set "$link" netns "$ns"
    ip addr add "$(server_addr "$h")/30" dev "$link-h"
    ip link set "$link-h" up
    ip -n "$ns" addr add "$(client_addr "$h")/30" dev "$link"
    ip -n "$ns" link set lo up
    ip -n "$ns" link set "$link" up
}

serve_host() {
    local h=$1
    # nbdkit forks into the background once it listens, and writes its pid file then; in the
    # foreground (-f) it does not outlive this script
    nbdkit --log=stderr -P "$RUN_DIR/$h.server.pid" -i "$(server_addr "$h")" -p "$NBD_PORT" \
        --filter=error --filter=pause file "$NBD_FILE" \
        error=EIO error-rate=100% error-file="$RUN_DIR/$h.fail" pause-control="$RUN_DIR/$h.pause" \
        </dev/null >"$RUN_DIR/$h.server.log" 2>&1 || die "nbdkit for host $h failed: $(cat "$RUN_DIR/$h.server.log")"
    await_file "$RUN_DIR/$h.server.pid" "nbdkit for host $h"
    made server "$(cat "$RUN_DIR/$h.server.pid")" nbdkit
}

mount_host() {
    local h=$1 mnt=$RUN_DIR/mnt/$1
    mkdir -p "$mnt"
    setsid nsenter --net="/run/netns/$(netns_of "$h")" \
        nbdfuse -P "$RUN_DIR/$h.client.pid" "$mnt/disk" "nbd://$(server_addr "$h"):$NBD_PORT/" \
        </dev/null >"$RUN_DIR/$h.client.log" 2>&1 &
    await_file "$RUN_DIR/$h.client.pid" "nbdfuse of host $h"
    made client "$(cat "$RUN_DIR/$h.client.pid")" nbdfuse
    made mount "$mnt"
}

loop_host() {
    local h=$1 file=$RUN_DIR/mnt/$1/disk dev
    dev=$(losetup --find --show --direct-io=on --sector-size "$SECTOR_SIZE" "$file") \
        || die "losetup --find failed on $file"
    made loop "$dev" "$file"
    local dio ss
    dio=$(cat "/sys/block/${dev#/dev/}/loop/dio" 2>/dev/null || echo "?")
    ss=$(blockdev --getss "$dev")
    [[ $dio == 1 && $ss == "$SECTOR_SIZE" ]] \
        || die "$dev: direct I/O=$dio, logical sector size=$ss; need 1 and $SECTOR_SIZE"
    echo "$dev"
}

# An O_DIRECT write through FROM must be seen by an O_DIRECT read through TO.
check_coherent() {
    local from=$1 to=$2 block=$RUN_DIR/probe.$$ back=$RUN_DIR/probe-back.$$
    head -c 4096 /dev/urandom >"$block"
    dd if="$block" of="$from" bs=4096 seek=1 oflag=direct conv=notrunc status=none
    dd if="$to" of="$back" bs=4096 skip=1 count=1 iflag=direct status=none
    cmp -s "$block" "$back" || die "an O_DIRECT write through $from is not seen by an O_DIRECT read through $to"
    rm -f "$block" "$back"
}

attach() {
    need_root attach
    local size=${1:-$DEFAULT_SIZE}
    if state_valid; then
        say "already attached (state in $STATE_FILE)"
    else
        detach_quietly
        if ip -o addr show | grep -q " $SUBNET\."; then
            die "addresses in $SUBNET.0/24 are in use here: set ARRAYSOCK_NBD_SUBNET to a free 169.254.S"
        fi
        mkdir -p "$(dirname "$NBD_FILE")" "$RUN_DIR"
        : >"$MADE"
        rm -f "$NBD_FILE"
        truncate -s "$size" "$NBD_FILE" || die "cannot create $NBD_FILE of size $size"
        # from here on a failure leaves a "made" list: undo it
        trap 'say "attach failed; undoing"; detach_quietly' EXIT
        local h
        declare -A dev
        for h in a b; do
            link_host "$h"
            serve_host "$h"
            mount_host "$h"
            dev[$h]=$(loop_host "$h")
        done
        check_coherent "${dev[a]}" "${dev[b]}"
        check_coherent "${dev[b]}" "${dev[a]}"
        trap - EXIT
        local tmp="$STATE_FILE.tmp.$$"
        {
            for h in a b; do
                local H=${h^^}
                printf 'export ARRAYSOCK_NBD_%s=%s\n' "$H" "${dev[$h]}"
                printf 'export ARRAYSOCK_NBD_%s_FAIL=%s\n' "$H" "$RUN_DIR/$h.fail"
                printf 'export ARRAYSOCK_NBD_%s_PAUSE=%s\n' "$H" "$RUN_DIR/$h.pause"
            done
        } >"$tmp"
        mv "$tmp" "$STATE_FILE"
        say "attached ${dev[a]} (host a) and ${dev[b]} (host b): NBD over veth $SUBNET.0/29 to $NBD_FILE ($size, direct I/O)"
    fi
    local a b
    a=$(sed -n 's/^export ARRAYSOCK_NBD_A=//p' "$STATE_FILE")
    b=$(sed -n 's/^export ARRAYSOCK_NBD_B=//p' "$STATE_FILE")
    rm -f "$RUN_DIR/a.fail" "$RUN_DIR/b.fail"
    dd if=/dev/zero of="$a" bs=1M count="$ZERO_MIB" oflag=direct conv=notrunc status=none \
        || die "cannot zero the first ${ZERO_MIB} MiB of $a"
    blockdev --flushbufs "$a" "$b"
    cat "$STATE_FILE"
}

# Undoes the "made" list, last first, touching only what it names.
detach_quietly() {
    [[ -f $MADE ]] || { rm -f "$STATE_FILE"; return 0; }
    local lines kind what extra failed=0
    mapfile -t lines < <(tac "$MADE")
    local line
    for line in "${lines[@]}"; do
        read -r kind what extra <<<"$line"
        case $kind in
            loop)
                if [[ $(backing_of "$what") == "$extra" ]]; then
                    losetup -d "$what" && say "detached $what" || { say "cannot detach $what"; failed=1; }
                fi ;;
            mount)
                if grep -q " $what fuse" /proc/mounts; then
                    # a client that died leaves a dead mount, which only a lazy unmount removes
                    fusermount3 -u "$what" 2>/dev/null || umount -l "$what" \
                        || { say "cannot unmount $what"; failed=1; }
                fi ;;
            client | server)
                if runs "$what" "$extra"; then
                    [[ $kind == client ]] && await_exit "$what" "$extra" # the unmount ends it
                    runs "$what" "$extra" && kill "$what" 2>/dev/null
                    await_exit "$what" "$extra" || { say "$extra $what does not exit"; failed=1; }
                fi ;;
            veth)
                if ip link show "$what" >/dev/null 2>&1; then
                    ip link del "$what" || { say "cannot delete link $what"; failed=1; }
                fi ;;
            netns)
                if [[ -e /run/netns/$what ]]; then
                    ip netns del "$what" || { say "cannot delete namespace $what"; failed=1; }
                fi ;;
        esac
    done
    ((failed == 0)) || die "some of what attach made is still there: see $MADE"
    rm -rf "$RUN_DIR"
    rm -f "$STATE_FILE"
}

detach() {
    need_root detach
    detach_quietly
    rm -f "$NBD_FILE"
    say "removed $NBD_FILE"
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
