"""PyTorch CPU throughput for the five architectures of `discern bench models`
(input 3x32x32, binary: one logit, BCEWithLogits). Same protocol as ../shared/bench/torch_bench.py:
training = forward + BCEWithLogits backward + Adam step on a fixed random batch of 128 (data loading
excluded); inference = forward (+ sigmoid) on a batch of 256 under inference_mode (32 and 64 from 160 px);
each figure is the median over --runs timed runs of about --target seconds each. train_peak_rss_mb is the
process' high-water mark right after the training runs (run one model per process for a per-model figure).
Usage: python torch_models.py [--threads 2] [--models cnn,cnn-small,patchgan,model2,resnet,resnet-s2-w32,effnet-lite0,effnet-lite1,effnet-lite2]
                              [--size 32] [--train-batch N] [--infer-batch N] [--runs 7] [--target 1.0] [--channels-last]
Output: a '# torch ...' header line, then one JSON line per model (the keys `discern bench models --peer` reads).
"""
import argparse, time, statistics, json, resource
import torch, torch.nn as nn


def cnn():  # TF/Keras 'same' padding for the even 4x4 kernel: 1 left/top, 2 right/bottom
    return nn.Sequential(nn.ZeroPad2d((1, 2, 1, 2)), nn.Conv2d(3, 32, 4), nn.ReLU(), nn.MaxPool2d(2),  # 32 -> 16
                         nn.Conv2d(32, 32, 4), nn.ReLU(), nn.Dropout(0.25), nn.Flatten(),               # 13x13
                         nn.Linear(13 * 13 * 32, 256), nn.ReLU(), nn.Dropout(0.5), nn.Linear(256, 1))


def cnn_small():
    return nn.Sequential(nn.Conv2d(3, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(64 * 6 * 6, 64), nn.ReLU(), nn.Linear(64, 1))


def patchgan():
    lr = lambda: nn.LeakyReLU(0.2)
    layers, c = [], 3
    for f in (64, 128, 256):  # 4x4 stride 2, TF 'same' on even input = pad 1 each side: 32 -> 16 -> 8 -> 4
        layers += [nn.Conv2d(c, f, 4, 2, 1, bias=False), nn.BatchNorm2d(f), lr(), nn.Dropout(0.5)]
        c = f
    layers += [nn.ZeroPad2d(1), nn.Conv2d(256, 512, 4, bias=False), nn.BatchNorm2d(512), lr(), nn.Dropout(0.5),  # 6 -> 3
               nn.ZeroPad2d(1), nn.Conv2d(512, 1, 4),                                                           # 5 -> 2
               nn.Flatten(), nn.Linear(4, 1)]
    return nn.Sequential(*layers)


def model2():
    def blk(i, o): return [nn.Conv2d(i, o, 3, padding=1), nn.ReLU(), nn.BatchNorm2d(o), nn.MaxPool2d(2)]
    return nn.Sequential(*blk(3, 32), *blk(32, 64), *blk(64, 128), nn.Flatten(),
                         nn.Linear(2048, 256), nn.ReLU(), nn.BatchNorm1d(256), nn.Dropout(0.3),
                         nn.Linear(256, 64), nn.ReLU(), nn.Linear(64, 1))


class BasicBlock(nn.Module):
    def __init__(self, i, o, s):
        super().__init__()
        self.c1 = nn.Conv2d(i, o, 3, s, 1, bias=False); self.b1 = nn.BatchNorm2d(o)
        self.c2 = nn.Conv2d(o, o, 3, 1, 1, bias=False); self.b2 = nn.BatchNorm2d(o)
        self.sc = nn.Sequential()  # identity
        if s != 1 or i != o:       # option B: 1x1 projection + BN
            self.sc = nn.Sequential(nn.Conv2d(i, o, 1, s, bias=False), nn.BatchNorm2d(o))

    def forward(self, x):
        y = torch.relu(self.b1(self.c1(x)))
        return torch.relu(self.b2(self.c2(y)) + self.sc(x))


def resnet(w=16, stem_stride=1):  # ResNet-20 for CIFAR; stem_stride 2: resnet-s2's 4x4 stride-2 stem (padding 1)
    stem = nn.Conv2d(3, w, 3, 1, 1, bias=False) if stem_stride == 1 else nn.Conv2d(3, w, 4, 2, 1, bias=False)
    layers, i = [stem, nn.BatchNorm2d(w), nn.ReLU()], w
    for o, s in ((w, 1), (2 * w, 2), (4 * w, 2)):
        for b in range(3):
            layers.append(BasicBlock(i, o, s if b == 0 else 1)); i = o
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4 * w, 1))


def effnet_lite(n):  # the efficientnet-lite-pytorch package's own model (pip install efficientnet-lite-pytorch), one logit
    def make():
        from efficientnet_lite_pytorch import EfficientNet
        # Padding computed for the benchmark's input size (TensorFlow 'same', as Discern pads).
        return EfficientNet.from_name(f"efficientnet-lite{n}", num_classes=1, image_size=SIZE)
    return make


# name -> (constructor, exact parameter count of the Discern model)
MODELS = {"cnn": (cnn, 1_402_945), "cnn-small": (cnn_small, 166_977), "patchgan": (patchgan, 2_765_702),
          "model2": (model2, 635_265), "resnet": (resnet, 271_889),
          "resnet-s2-w32": (lambda: resnet(32, 2), 1_084_097), "effnet-lite0": (effnet_lite(0), 3_372_289),
          "effnet-lite1": (effnet_lite(1), 4_136_961), "effnet-lite2": (effnet_lite(2), 4_812_353)}
SIZE = 32  # --size: input side (only the effnet-lite models take other sizes)


def timed_runs(step, n_iter, runs):
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        for _ in range(n_iter): step()
        out.append((time.perf_counter() - t) / n_iter)
    return out


def calib(step, target_s):
    t = time.perf_counter(); step(); dt = time.perf_counter() - t
    return max(1, int(target_s / max(dt, 1e-6)))


CL = False  # --channels-last: NHWC activations/weights


def bench(name, runs, target_s):
    ctor0, expected = MODELS[name]

    def ctor():
        m = ctor0()
        return m.to(memory_format=torch.channels_last) if CL else m

    def inp(*shape):
        x = torch.randn(*shape)
        return x.to(memory_format=torch.channels_last) if CL else x

    torch.manual_seed(0)
    m = ctor(); params = sum(p.numel() for p in m.parameters())
    assert params == expected, f"{name}: {params} parameters, expected {expected}"
    with torch.no_grad():
        assert m.eval()(torch.randn(2, 3, SIZE, SIZE)).shape == (2, 1), name
    res = {"model": name, "params": params}

    m.train(); opt = torch.optim.Adam(m.parameters(), 1e-3); loss_fn = nn.BCEWithLogitsLoss()
    bs = TRAIN_BATCH
    x = inp(bs, 3, SIZE, SIZE); y = (torch.rand(bs, 1) > 0.5).float()

    def step():
        opt.zero_grad(set_to_none=True); loss = loss_fn(m(x), y); loss.backward(); opt.step()
    for _ in range(5): step()  # warm-up
    res["train_img_s"] = bs / statistics.median(timed_runs(step, calib(step, target_s), runs))
    res["train_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    res["train_batch"] = bs

    m = ctor(); m.eval()
    with torch.inference_mode():
        x = inp(INFER_BATCH, 3, SIZE, SIZE)
        step = lambda: torch.sigmoid(m(x))
        for _ in range(3): step()
        res["infer_img_s"] = INFER_BATCH / statistics.median(timed_runs(step, calib(step, target_s), runs))
        res["infer_batch"] = INFER_BATCH
    res["channels_last"] = CL
    res["input_size"] = SIZE
    return res


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--target", type=float, default=1.0, help="seconds per timed run")
    ap.add_argument("--channels-last", action="store_true")
    ap.add_argument("--size", type=int, default=32, help="input side")
    ap.add_argument("--train-batch", type=int, help="default 128, or 32 from 160 px")
    ap.add_argument("--infer-batch", type=int, help="default 256, or 64 from 160 px")
    a = ap.parse_args()
    CL = a.channels_last
    SIZE = a.size
    TRAIN_BATCH = a.train_batch or (32 if SIZE >= 160 else 128)
    INFER_BATCH = a.infer_batch or (64 if SIZE >= 160 else 256)
    torch.set_num_threads(a.threads)
    print(f"# torch {torch.__version__} threads={torch.get_num_threads()} cpu_capability={torch.backends.cpu.get_cpu_capability()} mkldnn={torch.backends.mkldnn.is_available()} channels_last={CL}", flush=True)
    for k in a.models.split(","):
        r = bench(k.strip(), a.runs, a.target)
        print(json.dumps({k: (round(v, 1) if isinstance(v, float) else v) for k, v in r.items()}), flush=True)
