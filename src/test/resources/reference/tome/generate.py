"""Writes tome_matching.safetensors: inputs and outputs of ToMe's original bipartite_soft_matching + merge_wavg.

Run with PYTHONPATH pointing at a checkout of facebookresearch/ToMe (tome/merge.py), torch 1.13 CPU:
    PYTHONPATH=/path/to/ToMe python3 generate.py OUT.safetensors
"""
import json, struct, sys
import numpy as np
import torch
from tome.merge import bipartite_soft_matching, merge_wavg

cases = [  # name, batch, tokens, metric channels, x channels, r, class_token, with sizes
    ("cls_r8", 3, 65, 16, 24, 8, True, False),
    ("cls_r8_sizes", 3, 57, 16, 24, 8, True, True),
    ("nocls_r5", 2, 17, 8, 12, 5, False, False),
    ("cls_rmax", 2, 65, 16, 24, 40, True, False),   # r above the cap: the original lowers it to 32
    ("nocls_odd_sizes", 2, 33, 8, 8, 16, False, True),
]
g = torch.Generator().manual_seed(20231)
tensors = {}
for name, b, t, c, cx, r, cls, sized in cases:
    metric = torch.randn(b, t, c, generator=g)
    x = torch.randn(b, t, cx, generator=g)
    size = torch.randint(1, 5, (b, t, 1), generator=g).float() if sized else None
    merge, _ = bipartite_soft_matching(metric, r, class_token=cls)
    out, out_size = merge_wavg(merge, x, size)
    tensors[f"{name}/metric"] = metric.numpy()
    tensors[f"{name}/x"] = x.numpy()
    if sized:
        tensors[f"{name}/size"] = size[..., 0].numpy()
    tensors[f"{name}/merged_x"] = out.numpy()
    tensors[f"{name}/merged_size"] = out_size[..., 0].numpy()
    tensors[f"{name}/params"] = np.array([r, 1 if cls else 0], dtype=np.int64)

header, offset, blobs = {}, 0, []
for k in sorted(tensors):
    a = np.ascontiguousarray(tensors[k])
    dtype = {np.dtype("float32"): "F32", np.dtype("int64"): "I64"}[a.dtype]
    raw = a.tobytes()
    header[k] = {"dtype": dtype, "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
    blobs.append(raw)
    offset += len(raw)
header["__metadata__"] = {"source": "facebookresearch/ToMe tome/merge.py bipartite_soft_matching + merge_wavg",
                          "torch": torch.__version__}
h = json.dumps(header).encode()
h += b" " * ((8 - len(h) % 8) % 8)
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<Q", len(h)))
    f.write(h)
    for blob in blobs:
        f.write(blob)
