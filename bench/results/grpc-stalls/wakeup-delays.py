import sys, glob, numpy as np
for d in sys.argv[1:]:
    for f in sorted(glob.glob(d + '/trace-*.bin')):
        a = np.fromfile(f, dtype='>i8').reshape(-1, 2); a = a[a[:, 0] != 0]
        k = a[:, 1] >> 48; arg = a[:, 1] & 0xffffffff
        wk = np.where((k == 21) & ((arg & 1) == 1) & ((arg & 2) == 0))[0]
        woke = np.where(k == 12)[0]
        lat = []; unchanged = 0
        for i in wk:
            j = woke[np.searchsorted(woke, i)] if np.searchsorted(woke, i) < len(woke) else None
            if j is None: continue
            lat.append((a[j, 0] - a[i, 0]) / 1000)
            if (arg[j] >> 31) == 0: unchanged += 1
        lat = np.array(lat)
        if len(lat): print(f.split('/')[-1], 'wakeups onto a bell sleep', len(wk), 'next BWOKE without value change', unchanged,
              'delay p50 %.0f p99 %.0f max %.0f us' % (np.percentile(lat, 50), np.percentile(lat, 99), lat.max()))
