#!/usr/bin/env bash
# What the issue-17 counters cost on the 64 B streaming series, resolved to about 1 %.
#
#   bench/counters-cost.sh build                           # not timed: builds both sides
#   /work/quiet-run.sh NAME bench/counters-cost.sh run OUT # timed, ~5 min: OUT.tsv + summary on stdout
#
# Both sides are the same build of this tree. Side "off" puts one class first on the class
# path: socket/DirectionCounters compiled from this tree's source with its adds taken out
# (bytes, messages, waits, wake-ups received), so the data path counts nothing and the
# rest (the publisher thread, the fields, the layout) stays. Side "on" is the build as it is.
# Each measurement is a fresh JVM; the sides alternate in ABBA order, so a drift of the
# machine hits both alike, and each pair gives one on/off ratio. The summary gives the
# median of those ratios with a distribution-free 95 % interval (order statistics of the
# pair ratios); the cost is resolved when the interval is narrower than +-2 %.
#
# Series: "hot" = JMH RingHotPath.byteBuffer, 64 B, one thread sends and receives
# (ns/op, lower is better; the code's cost without scheduling noise; per fork the median of its
# measured iterations); "stream" =
# bench CrossProcess shm-spin 64 B stream between two JVMs (MB/s, higher is better).
# Each JMH run checks what the counters published: none off, some on.
#
# Series "ihot" and "istream" (bench CountersCost): both sides in ONE JVM, each loaded by a
# class loader of its own, taking turns in ABBA windows; a JVM is a pair. This is the one that
# resolves the cost: a fresh JVM lands in one of two speeds 1.6x to 4x apart, which the
# fresh-JVM pairs above cannot separate from the cost ("ihot": one thread sends and receives;
# "istream": a sender thread and the receiving thread, across the two cores).
#
# PAIRS (14): JMH pairs; STREAM_PAIRS (8): cross-process pairs; WI/I (3/3): JMH warm-up and
# measured 1 s iterations; ITERATIONS/MILLIS (5/300): stream iterations; INTERLEAVED (10):
# JVMs per interleaved series, ROUNDS/WINDOW_MILLIS (10/200): ABBA rounds and window length.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
off=$root/bench/target/counters-off
src=java/src/main/java/io/arraysock/socket/DirectionCounters.java

build() {
    mvn -B -o -q -DskipTests package dependency:build-classpath -pl bench -am \
        -Dmdep.outputFile=target/classpath.txt >&2
    rm -rf "$off" && mkdir -p "$off/src/io/arraysock/socket"
    # the adds go; the reads (opaque loads) stay, so the publisher and JMX still work
    sed -E 's/^( +)(bytes \+= (n|length)|messages\+\+|waits\+\+|wakes\+\+);/\1\/\/ off: \2;/' "$src" \
        >"$off/src/io/arraysock/socket/DirectionCounters.java"
    local n
    n=$(grep -c '// off:' "$off/src/io/arraysock/socket/DirectionCounters.java" || true)
    [[ $n == 8 ]] || { echo "counters-cost: expected 8 adds to take out of $src, found $n" >&2; exit 1; }
    javac --release 17 -nowarn -cp java/target/classes -d "$off/classes" "$off/src/io/arraysock/socket/DirectionCounters.java"
    make -s -C bench/cring CC=gcc CFLAGS="-O2 -Wall -Wextra -std=gnu11" >&2
}

run() {
    local out=${1:?OUT}
    [[ -f "$off/classes/io/arraysock/socket/DirectionCounters.class" ]] || { echo "run '$0 build' first" >&2; exit 2; }
    local deps cp_on cp_off
    deps=$(tr ':' '\n' <bench/target/classpath.txt | grep -v -e '/io/arraysock/' -e '/target/' | paste -sd:)
    cp_on="$root/bench/target/classes:$root/java/target/classes:$deps"
    cp_off="$off/classes:$cp_on"
    shm=/dev/shm/arraysock-counters-cost-$$
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp" "$shm"' EXIT
    : >"$out.tsv"
    echo "# $(date -u +%FT%TZ) commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- java || echo '+dirty') load $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out.tsv"
    one() { # series side pair
        local cp=$cp_on
        [[ $2 == off ]] && cp=$cp_off
        local java=(java --enable-native-access=ALL-UNNAMED -Xmx512m -XX:+UseParallelGC -cp "$cp")
        if [[ $1 == hot ]]; then
            "${java[@]}" org.openjdk.jmh.Main 'RingHotPath\.byteBuffer$' -p size=64 -f 1 -wi "${WI:-3}" -w 1s \
                -i "${I:-3}" -r 1s -rf csv -rff "$tmp/jmh.csv" >"$tmp/jmh.log" 2>&1
            local published score
            published=$(grep -o 'counters published: tx bytes [0-9]*' "$tmp/jmh.log" | tail -1 | awk '{print $NF}')
            if [[ $2 == off && $published != 0 ]] || [[ $2 == on && ${published:-0} == 0 ]]; then
                echo "counters-cost: side $2 published tx bytes '${published}': the sides are not what they claim" >&2
                exit 1
            fi
            # the median of the fork's measured iterations: an iteration another process hit stays one
            score=$(grep -E '^Iteration +[0-9]+:' "$tmp/jmh.log" | awk '{print $3}' | sort -g \
                | awk '{v[NR] = $1} END {print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}')
            printf 'hot\t%s\t%s\t%s\tns/op\n' "$2" "$3" "$score" >>"$out.tsv"
        else
            rm -f "$tmp/x.tsv" # CrossProcess appends
            "${java[@]}" io.arraysock.bench.Format "$shm"
            "${java[@]}" io.arraysock.bench.CrossProcess "$tmp/x.tsv" shm-spin "$shm" 64 "${ITERATIONS:-5}" \
                "${MILLIS:-300}" stream 2>/dev/null
            rm -f "$shm"
            awk -v s="$2" -v p="$3" 'BEGIN{OFS="\t"} $2 == "stream_MBps" {print "stream", s, p, $5, "MB/s"}' "$tmp/x.tsv" >>"$out.tsv"
        fi
        echo "counters-cost: $1 $2 pair $3 done $(date +%T)" >&2
    }
    local p
    for p in $(seq "${PAIRS:-14}"); do
        if ((p % 2)); then one hot on "$p"; one hot off "$p"; else one hot off "$p"; one hot on "$p"; fi
    done
    for p in $(seq "${STREAM_PAIRS:-8}"); do
        if ((p % 2)); then one stream on "$p"; one stream off "$p"; else one stream off "$p"; one stream on "$p"; fi
    done
    local java_i=(java --enable-native-access=ALL-UNNAMED -Xmx512m -XX:+UseParallelGC
                  -cp "$root/bench/target/classes:$deps" io.arraysock.bench.CountersCost)
    local lib_on="$root/bench/target/classes:$root/java/target/classes" series
    for series in hot stream; do
        for p in $(seq "${INTERLEAVED:-10}"); do
            "${java_i[@]}" "$series" "$out.tsv" "$p" "$lib_on" "$off/classes:$lib_on" "${ROUNDS:-10}" "${WINDOW_MILLIS:-200}"
        done
    done
    summary "$out.tsv"
}

# per series: medians of each side, and the median on/off ratio of the pairs with its 95 % interval
summary() {
    python3 - "$1" <<'PY'
import sys, statistics, collections, math
rows = collections.defaultdict(lambda: collections.defaultdict(list))
unit = {}
for line in open(sys.argv[1]):
    if line.startswith('#'): continue
    series, side, pair, value, u = line.split()
    rows[series][(side, int(pair))].append(float(value)); unit[series] = u

def interval(n):
    # ranks (1-based) of the order statistics around a median with >= 95 % coverage; None: too few pairs
    best = None
    for k in range(1, n // 2 + 1):
        cover = sum(math.comb(n, i) for i in range(k, n - k + 1)) / 2 ** n
        if cover >= 0.95: best = (k, n + 1 - k)
    return best

print("| series | unit | pairs | off median | on median | on/off (pair median) | 95 % interval | cost | resolves 2 %? |")
print("|---|---|---:|---:|---:|---:|---|---:|---|")
for series, d in rows.items():
    pairs = sorted({p for (_, p) in d})
    on = {p: statistics.mean(d[('on', p)]) for p in pairs if ('on', p) in d}
    off = {p: statistics.mean(d[('off', p)]) for p in pairs if ('off', p) in d}
    both = [p for p in pairs if p in on and p in off]
    r = sorted(on[p] / off[p] for p in both)
    n = len(r)
    med = statistics.median(r)
    ranks = interval(n)
    lo, hi = ranks if ranks else (1, n)
    # the cost as a fraction: ns/op up is a cost; MB/s down is a cost
    cost = (lambda x: x - 1) if unit[series] == 'ns/op' else (lambda x: 1 - x)
    c_lo, c_hi = sorted((cost(r[lo - 1]), cost(r[hi - 1])))
    resolved = 'yes' if ranks and c_hi - c_lo < 0.04 else 'no' if ranks else 'too few pairs'
    print(f"| {series} | {unit[series]} | {n} | {statistics.median(off.values()):.1f} | {statistics.median(on.values()):.1f} "
          f"| {med:.4f} | {r[lo-1]:.4f} .. {r[hi-1]:.4f} | {100*cost(med):+.1f} % ({100*c_lo:+.1f} .. {100*c_hi:+.1f}) "
          f"| {resolved} |")
PY
}

case ${1:-} in
    build) build ;;
    run) shift; run "$@" ;;
    summary) summary "$2" ;;
    *) echo "usage: $0 build | run OUT | summary OUT.tsv" >&2; exit 2 ;;
esac
