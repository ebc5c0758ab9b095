#!/usr/bin/env python3
# stall-an.py TRACEDIR: merge both JVMs' traces; per slow call, the events between its start and end
import sys, glob, os, struct, collections
import numpy as np
d = sys.argv[1]
slow_us = int(sys.argv[2]) if len(sys.argv) > 2 else 1500
show = int(sys.argv[3]) if len(sys.argv) > 3 else 12
names = {1:'CALL',2:'END',11:'BSLEEP',12:'BWOKE',13:'PARK',14:'PARKEND',20:'PROG',21:'WAKEUP',30:'RINGLOOP',31:'SIGNAL'}
tr = {}
for f in glob.glob(d + '/trace-*.bin'):
    pid = int(f.split('-')[-1].split('.')[0])
    a = np.fromfile(f, dtype='<i8')  # MappedByteBuffer is big-endian!
    a = np.fromfile(f, dtype='>i8').reshape(-1, 2)
    n = np.argmax(a[:, 0] == 0) if (a[:, 0] == 0).any() else len(a)
    a = a[:n]
    if n: tr[pid] = a
client = [p for p, a in tr.items() if ((a[:, 1] >> 48) == 1).any()][0]
servers = [p for p in tr if p != client]
ca = tr[client]
codes = ca[:, 1] >> 48
for sp in servers:
    sa = tr[sp]
    lo, hi = sa[0, 0], sa[-1, 0]
    print(f'== server {sp}: {len(sa)} events; client {client}')
    m = (ca[:, 0] >= lo) & (ca[:, 0] <= hi)
    c = ca[m]; cc = c[:, 1] >> 48
    starts = c[cc == 1, 0]; ends = c[cc == 2]
    durs = ends[:, 1] & 0xffffffff
    print('calls', len(ends), 'slow', (durs > slow_us).sum(), 'p50', np.percentile(durs, 50), 'p99', np.percentile(durs, 99))
    # bell sleeps in each JVM: timeouts (no ring) and how long
    for who, arr in (('client', c), ('server', sa)):
        k = arr[:, 1] >> 48
        w = arr[k == 12]; arg = w[:, 1] & 0xffffffff
        rung = (arg >> 31) & 1; el = arg & 0x7fffffff
        bs = arr[k == 11]; cap = bs[:, 1] & 0xffffffff
        print(f'  {who}: bell sleeps {len(w)}, rung {rung.sum()}, not rung {len(w)-rung.sum()}; not rung & >= 9ms {((rung==0)&(el>=9000)).sum()}; '
              f'sleep >1.5ms {(el>1500).sum()}; caps<10ms {(cap<10000).sum()}; parks {(k==13).sum()}; wakeups {(k==21).sum()}; ringloop {(k==30).sum()} signal {(k==31).sum()}')
        # timeouts followed by progress (next event of same thread is PROG)
    allev = np.concatenate([np.column_stack([c, np.zeros(len(c), dtype=np.int64)]), np.column_stack([sa, np.ones(len(sa), dtype=np.int64)])])
    allev = allev[np.argsort(allev[:, 0], kind='stable')]
    shown = 0
    idx = np.where(cc == 2)[0]
    for i in idx:
        dur = c[i, 1] & 0xffffffff
        if dur <= slow_us: continue
        # find start
        t1 = c[i, 0]; t0 = t1 - dur * 1000
        if shown < show:
            print(f'-- slow call {dur} us')
            sel = allev[(allev[:, 0] >= t0 - 2000) & (allev[:, 0] <= t1 + 1000)]
            lines = []
            for t, v, s in sel:
                code = v >> 48; tid = (v >> 32) & 0xffff; arg = v & 0xffffffff
                lines.append(f'   {(t - t0)/1000:9.1f} {"S" if s else "C"}{tid:<4} {names.get(int(code), code)} {arg:#x}' if code in (12, 21, 20) else f'   {(t - t0)/1000:9.1f} {"S" if s else "C"}{tid:<4} {names.get(int(code), code)} {arg}')
            if len(lines) > 60: lines = lines[:30] + ['   ...'] + lines[-30:]
            print('\n'.join(lines))
            shown += 1
