#!/usr/bin/env python3
"""Reads an HonestyEngine activation set (index.json + safetensors shards) and prints "rows dim sum".

Uses the `safetensors` package when it is installed (safetensors.numpy.load_file), otherwise parses the
format directly with numpy (8-byte little-endian header length, JSON header, raw little-endian data), which is
all safetensors is. Either way it shows the shards are plain safetensors files.

    python3 read_activation_set.py <activation-set-folder>
"""
import json
import os
import struct
import sys

import numpy as np


def load_shard(path):
    try:
        from safetensors.numpy import load_file  # type: ignore
        return load_file(path)
    except ImportError:
        pass
    dtypes = {"F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32}
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        out[name] = np.frombuffer(data[start:end], dtype=dtypes[info["dtype"]]).reshape(info["shape"])
    return out


def main():
    folder = sys.argv[1]
    with open(os.path.join(folder, "index.json")) as f:
        index = json.load(f)
    parts = [load_shard(os.path.join(folder, s["file"]))["activations"] for s in index["shards"]]
    x = np.concatenate(parts, axis=0)
    assert x.shape == (index["rows"], index["dim"]), (x.shape, index["rows"], index["dim"])
    print(x.shape[0], x.shape[1], repr(float(x.astype(np.float64).sum())))


if __name__ == "__main__":
    main()
