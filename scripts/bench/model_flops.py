"""Forward FLOPs per image of the architectures of scripts/bench/torch_models.py, counted by PyTorch's
FlopCounterMode (2 per multiply-add; convolutions and matmuls only), and the training estimate 3x forward
(input gradient + filter gradient each cost about a forward; the first layer's input gradient is not needed,
so 3x slightly overstates). Used by BENCHMARKS.md to put img/s into GFLOP/s.
Usage: python model_flops.py [--models ...] [--size 32]"""
import argparse, json
import torch
from torch.utils.flop_counter import FlopCounterMode
import torch_models as tm

ap = argparse.ArgumentParser()
ap.add_argument("--models", default=",".join(tm.MODELS))
ap.add_argument("--size", type=int, default=32)
a = ap.parse_args()
tm.SIZE = a.size
for name in a.models.split(","):
    m = tm.MODELS[name][0]().eval()
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        m(torch.randn(1, 3, a.size, a.size))
    print(json.dumps({"model": name, "input_size": a.size, "forward_mflop": round(counter.get_total_flops() / 1e6, 2)}))
