#!/usr/bin/env python3
"""distok's side-by-side runner for faiss: trains and encodes one faiss quantizer on a vector file and prints
one JSON line with the timings, the error and where the faiss build and BLAS came from.

  python3 bench/faiss_compare.py FILE kmeans --K 256 --iters 20
  python3 bench/faiss_compare.py FILE pq --M 8 --nbits 8 [--iters 25]
  python3 bench/faiss_compare.py FILE rq --M 3 --nbits 8 --beam 5 [--iters 25] [--train-type kmeans]
  python3 bench/faiss_compare.py FILE lsq --M 8 --nbits 8 [--train-iters 25 --encode-ils-iters 16
      --train-ils-iters 8 --icm-iters 4 --nperts 4 --lambd 0.01 --p 0.5] (LocalSearchQuantizer, faiss's defaults)
  options: --seed N, --repeat N (timed rounds; min, median and max are reported), --min-seconds S (each timed
  figure repeats its operation until it has run S seconds, default 0.5, and reports the time per call),
  --normalize, --train-rows N (train on N rows drawn with --seed; default all), --block-rows N (encode and
  measure in blocks of N rows, default 1048576, so that a 10M-row catalogue needs little memory beyond its rows)

rq --train-type: "progressive" is faiss's default (each level trained by progressive-dimension k-means, 10
iterations unless --iters); "kmeans" trains each level with plain k-means (faiss's Train_default), the setting
distok's level-wise training matches. faiss trains RQ with the beam it encodes with (max_beam_size).

FILE: .npy (float32/float64), .fvecs, or IDX images (gzip allowed; pixels scaled to [0, 1]).
Needs numpy and faiss (Debian: apt-get install -y python3-faiss libopenblas0-pthread python3-packaging).
Runs with OMP_NUM_THREADS as set by the caller, and refuses a numpy/faiss that loaded the reference BLAS,
which makes faiss's k-means several times slower than a normal installation.

Figures: mse = mean over rows of the squared L2 reconstruction error summed over dimensions (distok's
definition); train_s / encode_s = median over rounds of the wall seconds per call, with *_min_s and *_max_s
beside and *_calls the calls timed per round; others_cpu_share = the largest share of the machine's CPU time
used by other processes during a timed figure (from /proc/stat, minus this process's own CPU time), so that a
contended round can be recognised and discarded.
"""
import argparse
import gzip
import json
import os
import statistics
import sys
import time

import numpy as np


def read_vectors(path):
    """The rows of FILE as a C-ordered float32 matrix."""
    if path.endswith(".npy"):
        return np.ascontiguousarray(np.load(path), dtype=np.float32)
    with (gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")) as f:
        raw = f.read()
    base = path[:-3] if path.endswith(".gz") else path
    if base.endswith(".fvecs"):
        ints = np.frombuffer(raw, dtype="<i4")
        dim = int(ints[0])
        rows = ints.reshape(-1, dim + 1)
        return np.ascontiguousarray(rows[:, 1:].view("<f4"), dtype=np.float32)
    header = np.frombuffer(raw[:16], dtype=">i4")
    if header[0] != 2051:
        sys.exit(f"faiss_compare: {path}: expected .npy, .fvecs or IDX images")
    n, h, w = (int(v) for v in header[1:])
    pixels = np.frombuffer(raw, dtype=np.uint8, offset=16, count=n * h * w)
    return (pixels.reshape(n, h * w).astype(np.float32) / 255.0).copy()


def loaded_blas():
    """Shared libraries of this process that provide BLAS, read from /proc/self/maps after a matrix product."""
    m = np.ones((16, 16), dtype=np.float32)
    _ = m @ m
    found = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            name = line.rsplit(None, 1)[-1]
            if "blas" in name.lower() or "mkl" in name.lower():
                found.add(name)
    return sorted(found)


def usage_of(codes, size):
    """Utilisation and perplexity of each code position."""
    out = []
    for j in range(codes.shape[1]):
        counts = np.bincount(codes[:, j].astype(np.int64), minlength=size).astype(np.float64)
        p = counts[counts > 0] / counts.sum()
        out.append({"utilization": float((counts > 0).sum() / size), "perplexity": float(np.exp(-(p * np.log(p)).sum()))})
    return out


def shared_rate(codes, bits):
    """Share of rows whose whole code tuple is also another row's. Tuples of at most 63 bits are packed into one
    int64 key each (a sort of n keys instead of a row-wise unique over an n x M matrix)."""
    if codes.shape[1] * bits <= 63:
        keys = np.zeros(codes.shape[0], dtype=np.int64)
        for j in range(codes.shape[1]):
            keys = (keys << bits) | codes[:, j]
        keys.sort()
        same_as_next = keys[1:] == keys[:-1]
        shared = np.zeros(keys.shape[0], dtype=bool)
        shared[1:] |= same_as_next
        shared[:-1] |= same_as_next
        return float(shared.mean())
    _, inverse, counts = np.unique(codes, axis=0, return_inverse=True, return_counts=True)
    return float((counts[inverse.reshape(-1)] > 1).mean())


def unpack_codes(packed, m, nbits):
    """The M codes of each row of faiss's packed code bytes (least significant bit first, as faiss's
    BitstringWriter writes them), as an int64 matrix."""
    if nbits == 8 and packed.shape[1] == m:
        return packed.astype(np.int64)
    bits = np.unpackbits(packed, axis=1, bitorder="little")
    weights = (1 << np.arange(nbits, dtype=np.int64))
    return np.stack([bits[:, j * nbits:(j + 1) * nbits].astype(np.int64) @ weights for j in range(m)], axis=1)


def blocks(n, size):
    """(start, end) of consecutive row blocks."""
    return [(s, min(n, s + size)) for s in range(0, n, size)]


def cpu_sample():
    """(total jiffies, idle jiffies, own CPU seconds, wall seconds) now."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:9]]
    return sum(fields), fields[3] + fields[4], time.process_time(), time.perf_counter()


def others_share(a, b):
    """Share of all CPUs' time between samples a and b spent by processes other than this one."""
    total = b[0] - a[0]
    wall = b[3] - a[3]
    if total <= 0 or wall <= 0:
        return 0.0
    busy = (total - (b[1] - a[1])) / total
    own = (b[2] - a[2]) / (wall * os.cpu_count())
    return max(0.0, busy - own)


def timed(operation, min_seconds):
    """Calls operation() until min_seconds have passed; (seconds per call, calls, others' CPU share, result)."""
    start = cpu_sample()
    calls = 0
    while True:
        result = operation()
        calls += 1
        if time.perf_counter() - start[3] >= min_seconds:
            break
    end = cpu_sample()
    return (end[3] - start[3]) / calls, calls, others_share(start, end), result


def make_quantizer(faiss, method, args, d):
    if method == "lsq":
        q = faiss.LocalSearchQuantizer(d, args.M, args.nbits)
        q.random_seed = args.seed
        for name in ("train_iters", "encode_ils_iters", "train_ils_iters", "icm_iters", "nperts", "lambd", "p"):
            value = getattr(args, name)
            if value is not None:
                setattr(q, name, value)
        return q
    if method == "pq":
        q = faiss.ProductQuantizer(d, args.M, args.nbits)
    else:
        q = faiss.ResidualQuantizer(d, args.M, args.nbits)
        q.max_beam_size = args.beam
        if args.train_type == "kmeans":
            q.train_type = faiss.ResidualQuantizer.Train_default
    q.cp.seed = args.seed
    if args.iters is not None:
        q.cp.niter = args.iters
    return q


def one_run(faiss, method, args, x, train_x):
    """One timed round: train on train_x, encode every row of x block by block. Returns the timings, the calls
    timed, others' CPU share, the codes (n x M int64), the per-row squared errors and the codebook size."""
    d = x.shape[1]
    parts = blocks(x.shape[0], args.block_rows)
    if method == "kmeans":
        def train():
            km = faiss.Kmeans(d, args.K, niter=args.iters, seed=args.seed, max_points_per_centroid=256)
            km.train(train_x)
            return km
        train_s, train_calls, share_t, km = timed(train, args.min_seconds)
        encode_s, encode_calls, share_e, assign = timed(
            lambda: [km.index.search(x[a:b], 1)[1] for a, b in parts], args.min_seconds)
        codes = np.concatenate(assign).astype(np.int64)
        err = np.concatenate([squared_errors(x[a:b], km.centroids[codes[a:b, 0]]) for a, b in parts])
        return train_s, encode_s, (train_calls, encode_calls), max(share_t, share_e), codes, err, args.K

    def train():
        q = make_quantizer(faiss, method, args, d)
        q.train(train_x)
        return q
    train_s, train_calls, share_t, q = timed(train, args.min_seconds)
    encode_s, encode_calls, share_e, packed = timed(
        lambda: [q.compute_codes(x[a:b]) for a, b in parts], args.min_seconds)
    err = np.concatenate([squared_errors(x[a:b], q.decode(p)) for (a, b), p in zip(parts, packed)])
    codes = np.concatenate([unpack_codes(p, args.M, args.nbits) for p in packed])
    return train_s, encode_s, (train_calls, encode_calls), max(share_t, share_e), codes, err, 1 << args.nbits


def squared_errors(rows, recon):
    """Per-row squared L2 reconstruction error summed over dimensions, accumulated in float64."""
    diff = rows.astype(np.float64) - recon
    return (diff * diff).sum(axis=1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file")
    ap.add_argument("method", choices=["kmeans", "pq", "rq", "lsq"])
    ap.add_argument("--K", type=int, default=256)
    ap.add_argument("--M", type=int, default=8)
    ap.add_argument("--nbits", type=int, default=8)
    ap.add_argument("--beam", type=int, default=1)
    ap.add_argument("--iters", type=int, default=None, help="k-means iterations (kmeans default 20; pq/rq: faiss's)")
    for name in ("train-iters", "encode-ils-iters", "train-ils-iters", "icm-iters", "nperts"):
        ap.add_argument("--" + name, type=int, default=None, help="lsq: LocalSearchQuantizer." + name.replace("-", "_"))
    for name in ("lambd", "p"):
        ap.add_argument("--" + name, type=float, default=None, help="lsq: LocalSearchQuantizer." + name)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--min-seconds", type=float, default=0.5)
    ap.add_argument("--train-type", choices=["progressive", "kmeans"], default="progressive")
    ap.add_argument("--normalize", action="store_true")
    ap.add_argument("--train-rows", type=int, default=None, help="train on this many rows drawn with --seed")
    ap.add_argument("--block-rows", type=int, default=1 << 20, help="rows per encoding block")
    args = ap.parse_args()
    if args.method == "kmeans" and args.iters is None:
        args.iters = 20
    if args.block_rows < 1:
        sys.exit(f"faiss_compare: --block-rows must be >= 1, got {args.block_rows}")
    if args.train_rows is not None and args.train_rows < 1:
        sys.exit(f"faiss_compare: --train-rows must be >= 1, got {args.train_rows}")
    if not os.path.exists(args.file):
        sys.exit(f"faiss_compare: {args.file}: no such file")
    try:
        import faiss
    except ImportError:
        sys.exit("faiss_compare: no faiss module for " + sys.executable + " (apt-get install -y python3-faiss)")
    blas = loaded_blas()
    if not any(k in lib.lower() for lib in blas for k in ("openblas", "mkl", "blis")):
        sys.exit("faiss_compare: the reference BLAS is loaded (" + ", ".join(blas or ["none found"]) + "); faiss "
                 "would run several times slower than a normal install: apt-get install -y libopenblas0-pthread")
    x = read_vectors(args.file)
    if args.normalize:
        x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-30)
    train_x = x
    if args.train_rows is not None and args.train_rows < x.shape[0]:
        rows = np.sort(np.random.default_rng(args.seed).choice(x.shape[0], args.train_rows, replace=False))
        train_x = np.ascontiguousarray(x[rows])
    train, encode, shares = [], [], []
    for _ in range(max(1, args.repeat)):
        tr, en, calls, share, codes, err, size = one_run(faiss, args.method, args, x, train_x)
        train.append(tr)
        encode.append(en)
        shares.append(share)
    mean = x.mean(axis=0, dtype=np.float64)
    variance = sum(float(squared_errors(x[a:b], mean).sum()) for a, b in blocks(x.shape[0], args.block_rows)) / x.shape[0]
    out = {
        "method": args.method, "rows": int(x.shape[0]), "dim": int(x.shape[1]), "train_rows": int(train_x.shape[0]),
        "train_s": statistics.median(train), "train_min_s": min(train), "train_max_s": max(train),
        "encode_s": statistics.median(encode), "encode_min_s": min(encode), "encode_max_s": max(encode),
        "train_calls": calls[0], "encode_calls": calls[1], "others_cpu_share": max(shares),
        "mse": float(err.mean()), "rel_mse": float(err.mean() / variance),
        "codebooks": usage_of(codes, size),
        "faiss_version": faiss.__version__, "faiss_compile_options": faiss.get_compile_options(),
        "blas": blas, "omp_threads": faiss.omp_get_max_threads(), "python": sys.executable,
        "parameters": {k: v for k, v in vars(args).items() if k not in ("file",)},
    }
    if codes.shape[1] > 1:
        out["shared_tuple_rate"] = shared_rate(codes, int(np.ceil(np.log2(size))))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
