#!/usr/bin/env python3
"""NumPy reference for lmplan's MinHash (bench/audit.js runs it; never used by the tests).

The same hashing as datasketch's MinHash (ekzhu/datasketch datasketch/minhash.py v1.5.9 bc1b7621:
sha1_hash32 of each shingle, permutations a, b from np.random.RandomState(1) drawn as (a0, b0), (a1, b1)...,
phv = ((a * hv + b) % (2**61 - 1)) & (2**32 - 1), vectorised over shingles like MinHash.update_batch) on
SlimPajama's features (Cerebras/modelzoo slimpajama/dedup/to_hash.py get_features, 13-grams). datatrove's
default (xxh64 of word 5-grams after simplify_text, 64-bit values) is reproduced for golden vectors when
python3-xxhash is installed.

  audit_reference.py bench <corpus.jsonl> [max_mb]   → one JSON line: {"mb": …, "seconds": …, "mb_per_s": …}
  audit_reference.py golden                          → golden signatures (JSON) for test/audit/golden-signatures.json
"""
import hashlib
import json
import re
import string
import struct
import sys
import time

import numpy as np

MERSENNE = np.uint64((1 << 61) - 1)
MAX32 = np.uint64((1 << 32) - 1)


def perms_pairs(num_perm, seed):
    # datasketch MinHash._init_permutations
    gen = np.random.RandomState(seed)
    return np.array(
        [(gen.randint(1, MERSENNE, dtype=np.uint64), gen.randint(0, MERSENNE, dtype=np.uint64)) for _ in range(num_perm)],
        dtype=np.uint64,
    ).T


def perms_blocks(num_perm, seed):
    # datatrove MinhashDedupSignature.parameters, text-dedup MinHashAlgorithmConfig.permutations
    gen = np.random.RandomState(seed)
    a = gen.randint(1, MERSENNE, dtype=np.uint64, size=(num_perm,))
    b = gen.randint(0, MERSENNE, dtype=np.uint64, size=(num_perm,))
    return a, b


def slimpajama_features(s, width=13):
    # to_hash.py get_features
    s = s.lower()
    s = s.translate(str.maketrans("", "", string.punctuation))
    s = re.sub(r"\s+", " ", s.strip())
    return ["".join(s[i : i + width]) for i in range(0, len(s) - width + 1)]


def sha1_hash32(data):
    return struct.unpack("<I", hashlib.sha1(data).digest()[:4])[0]


def signature32(features, a, b):
    hv = np.fromiter((sha1_hash32(f.encode("utf8")) for f in features), dtype=np.uint64, count=len(features))
    if hv.size == 0:
        return np.full(a.shape[0], MAX32, dtype=np.uint64)
    # update_batch: (hv × a + b) % p & max, then the minimum over shingles
    phv = np.bitwise_and((np.outer(hv, a) + b) % MERSENNE, MAX32)
    return phv.min(axis=0)


def golden():
    docs = [
        "The quick brown fox jumps over the lazy dog. " * 6,
        "Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated documentation files (the \"Software\"), to deal in the Software without restriction.",
        "Ünïcödé  tëxt —  with\tTABS\nand\u00a0spaces, ‘quotes’ and 12,345.67 numbers; café naïve résumé " * 3,
        "short",
    ]
    out = {"numpy": np.__version__, "slimpajama": [], "datatrove": None}
    a, b = perms_pairs(128, 1)
    out["permutations_pairs_seed1"] = {"a": [str(int(x)) for x in a[:4]], "b": [str(int(x)) for x in b[:4]]}
    for d in docs:
        feats = slimpajama_features(d)
        out["slimpajama"].append({"text": d, "signature": [int(x) for x in signature32(feats, a, b)]})
    try:
        import unicodedata

        import xxhash

        src = open(sys.argv[2]).read() if len(sys.argv) > 2 else None
        if src is None:
            raise ImportError("pass datatrove's src/datatrove/utils/text.py for its PUNCTUATION")
        m = re.search(r'PUNCTUATION = (".*?") \+', src)
        punct = eval(m.group(1)) + "".join(map(chr, (x for lo, hi in ((0, 9), (11, 13), (13, 32), (127, 160)) for x in range(lo, hi))))
        trans = str.maketrans(punct, " " * len(punct))
        import regex

        numbers = regex.compile(r"\p{Nd}+([.,،٫⎖⎗⎘]{1}\p{Nd}+)?")

        def simplify(t):
            t = t.lower()
            t = numbers.sub("0", t)
            t = t.translate(trans)
            t = re.sub(r"\s+", " ", t.strip())
            t = "".join(c for c in unicodedata.normalize("NFD", t) if unicodedata.category(c) != "Mn")
            return t.strip()

        a2, b2 = perms_blocks(112, 1)
        rows = []
        for d in docs:
            words = [w for w in simplify(d).split(" ") if w]
            sh = [" ".join(words[i : i + 5]) for i in range(len(words) - 4)]
            if not sh:
                rows.append({"text": d, "signature": None})
                continue
            x = np.fromiter((xxhash.xxh64_intdigest(s) for s in sh), dtype=np.uint64).reshape(-1, 1)
            phv = (x * a2 + b2) % MERSENNE
            rows.append({"text": d, "simplified": simplify(d), "signature": [str(int(v)) for v in phv.min(axis=0)]})
        out["datatrove"] = rows
    except ImportError as e:
        out["datatrove_skipped"] = str(e)
    print(json.dumps(out, ensure_ascii=False))


def bench(path, max_mb):
    a, b = perms_pairs(128, 1)
    texts = []
    size = 0
    with open(path, encoding="utf8") as f:
        for line in f:
            t = json.loads(line)["text"]
            texts.append(t)
            size += len(t.encode("utf8"))
            if size >= max_mb * 1e6:
                break
    t0 = time.perf_counter()
    for t in texts:
        signature32(slimpajama_features(t), a, b)
    dt = time.perf_counter() - t0
    print(json.dumps({"numpy": np.__version__, "mb": size / 1e6, "docs": len(texts), "seconds": dt, "mb_per_s": size / 1e6 / dt}))


if __name__ == "__main__":
    if sys.argv[1] == "golden":
        golden()
    else:
        bench(sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else 20)
