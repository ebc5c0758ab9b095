# Sourced by scripts/bench-block and scripts/demo: a block pair's own limits, measured with
# dd O_DIRECT (writes through one node, reads through the other, as the two hosts do).
# Writing destroys what the device holds: measure before formatting an array on it.

# dd's "copied, S s, R unit/s" as MB/s
mbps() { awk -F', ' '/copied/ {split($4, a, " "); v = a[1]; u = a[2]; if (u ~ /^GB/) v *= 1000; else if (u ~ /^kB/) v /= 1000; print v}'; }
# dd's seconds divided by the count, in µs
per_op_us() { awk -F', ' -v n="$1" '/copied/ {split($3, a, " "); print a[1] * 1e6 / n}'; }

# dd_write_mbps DEV BS BYTES / dd_read_mbps DEV BS BYTES: one O_DIRECT pass, in MB/s
dd_write_mbps() { dd if=/dev/zero of="$1" bs="$2" count=$(($3 / $(numfmt --from=iec "$2"))) oflag=direct 2>&1 | mbps; }
dd_read_mbps() { dd if="$1" of=/dev/null bs="$2" count=$(($3 / $(numfmt --from=iec "$2"))) iflag=direct 2>&1 | mbps; }

# stream_limit WRITER READER BYTES: prints "W R LIMIT" in MB/s, W and R the best of 64K/1M/4M
# and LIMIT = 1/(1/W + 1/R), what one stream through the pair can reach (each byte is
# written once and read once, one after the other, on the same device)
stream_limit() {
    local w=0 r=0 bs v
    for bs in 64K 1M 4M; do
        v=$(dd_write_mbps "$1" "$bs" "$3"); w=$(awk -v a="$w" -v b="$v" 'BEGIN {print (b > a ? b : a)}')
        v=$(dd_read_mbps "$2" "$bs" "$3"); r=$(awk -v a="$r" -v b="$v" 'BEGIN {print (b > a ? b : a)}')
    done
    awk -v w="$w" -v r="$r" 'BEGIN {printf "%.0f %.0f %.0f\n", w, r, 1 / (1 / w + 1 / r)}'
}
