import sys, glob, numpy as np
for d in sys.argv[1:]:
    out=[]
    for f in sorted(glob.glob(d + '/trace-*.bin')):
        a = np.fromfile(f, dtype='>i8').reshape(-1, 2); a = a[a[:, 0] != 0]
        k = a[:, 1] >> 48; arg = a[:, 1] & 0xffffffff; tid = (a[:, 1] >> 32) & 0xffff
        woke = np.where(k == 12)[0]
        to = [i for i in woke if (arg[i] >> 31) == 0 and (arg[i] & 0x7fffffff) >= 9900]
        prog = 0
        for i in to:
            j = i + 1
            while j < len(a) and tid[j] != tid[i]: j += 1
            if j < len(a) and k[j] == 20: prog += 1
        calls = (k == 2).sum()
        out.append(f'{f.split("/")[-1]}: bell sleeps {len(woke)}, full-cap timeouts {len(to)}, followed by progress {prog}' + (f' (client: {calls} calls)' if calls else ''))
    print(d, *out, sep='\n  ')
