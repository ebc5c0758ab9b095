import sys, glob, numpy as np
h = np.zeros(32, int)
for d in sys.argv[1:]:
    fs = glob.glob(d + '/trace-*.bin')
    tr = {f: np.fromfile(f, dtype='>i8').reshape(-1, 2) for f in fs}
    tr = {f: a[a[:, 0] != 0] for f, a in tr.items()}
    cl = [f for f, a in tr.items() if ((a[:, 1] >> 48) == 2).any()][0]
    sv = [f for f in tr if f != cl][0]
    lo, hi = tr[sv][0, 0], tr[sv][-1, 0]
    c = tr[cl]; c = c[(c[:, 0] >= lo) & (c[:, 0] <= hi) & ((c[:, 1] >> 48) == 2)]
    du = (c[:, 1] & 0xffffffff) / 1000.0
    for x in du[du > 1.5]: h[min(31, int(x * 2))] += 1
for i in range(3, 32): print(f'{i/2:5.1f}-{(i+1)/2:4.1f} ms {h[i]:5d} ' + '#' * (h[i] // 3))
