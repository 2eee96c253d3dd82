"""A checkpoint written by `discern demo --save` loads in Hugging Face's `safetensors` with the
expected dotted names, shapes, dtype and metadata. Usage: check_safetensors.py PATH/TO/discern"""
import json, subprocess, sys, tempfile, os
import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file

discern = sys.argv[1]
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "demo.safetensors")
    subprocess.run([discern, "demo", "--epochs", "3", "--save", path], check=True, capture_output=True)
    tensors = load_file(path)
    expected = {"conv1.weight": (3, 3, 3, 32), "conv1.bias": (32,), "conv2.weight": (3, 3, 32, 64), "conv2.bias": (64,),
                "fc1.weight": (2304, 64), "fc1.bias": (64,), "fc2.weight": (64, 1), "fc2.bias": (1,)}
    got = {k: v.shape for k, v in tensors.items()}
    assert got == expected, f"names/shapes differ: {got}"
    assert all(v.dtype == np.float32 and np.isfinite(v).all() for v in tensors.values())
    assert np.abs(tensors["conv1.weight"]).sum() > 0
    with safe_open(path, "np") as f:
        meta = f.metadata()
    assert meta["architecture"] == "cnn-small" and meta["classes"] == "REAL,FAKE", meta
    json.loads(meta["preprocessing"])
print("interop: 1 passed, 0 failed")
