"""Batch scoring of WebDataset-style tar shards on Spark with a Discern model exported to ONNX.

    discern export --format onnx --out model.onnx
    spark-submit spark/score_shards.py --model model.onnx --shards DIR_OR_SHARDS... --out scores.parquet

Each Spark task streams one shard (`.tar` or `.tar.gz`, read sequentially, never extracted) and scores
every `--splits`-th image of it, so one big shard still keeps several cores busy. Images are decoded and
prepared exactly as `discern classify` does for CIFAKE-style inputs (Pillow + libjpeg-turbo give the
same pixels as Discern's TurboJPEG decoder; EXIF orientation applied; alpha composited over white;
other sizes resized to the model input as Discern resizes them: box filter when shrinking, bilinear when enlarging) and
scored by onnxruntime in batches. The verdict follows the model's metadata: FAKE if p_fake >= 0.5,
REAL otherwise, UNSURE strictly inside the unsure band. Metadata evidence (SD parameters, C2PA, ...)
is not read here: verdicts are from pixels only.

Output Parquet columns: path (`shard:member`, as discern classify prints it), p_fake, verdict, error.
Unreadable images get p_fake null, verdict ERROR and the reason in `error`; the job goes on.
"""
import argparse, io, os, sys, tarfile, time

import numpy as np
import pandas as pd

IMAGE_EXTS = (".jpg", ".jpeg", ".png")
SCHEMA = "path string, p_fake double, verdict string, error string"


def resize_taps(n_in, n_out, kind):
    """Discern's resampling weights (Sources/Imaging/ImageOps.swift): a matrix [n_out, n_in] of normalised taps,
    the filter widened when shrinking. Pillow's own resize differs by rounding between its two passes, which moves
    a 64x64 model's p_fake by up to ~0.2 on enlarged 32x32 images, so the job resizes exactly as Discern does."""
    scale = n_in / n_out
    stretch = max(scale, 1.0)
    support = (0.5 if kind == "area" else 1.0) * stretch
    m = np.zeros((n_out, n_in), dtype=np.float64)
    for o in range(n_out):
        center = (o + 0.5) * scale
        lo, hi = max(0, int(np.floor(center - support))), min(n_in, int(np.ceil(center + support)))
        for src in range(lo, hi):
            x = abs((src + 0.5 - center) / stretch)
            w = (1.0 if x < 0.5 else 0.5 if x == 0.5 else 0.0) if kind == "area" else max(0.0, 1.0 - x)
            m[o, src] = w
        if m[o].sum() == 0:
            m[o, min(n_in - 1, max(0, int(center)))] = 1.0
        m[o] /= m[o].sum()
    return m.astype(np.float32)


def discern_resize(pixels, width, height, kind):
    """`pixels` [H, W, 3] uint8 -> [height, width, 3] uint8: rows first, then columns, float in between, rounded once."""
    h = resize_taps(pixels.shape[1], width, kind)
    v = resize_taps(pixels.shape[0], height, kind)
    rows = np.einsum("ow,hwc->hoc", h, pixels.astype(np.float32))
    out = np.einsum("oh,hwc->owc", v, rows)
    return (np.clip(out, 0, 255) + 0.5).astype(np.uint8)


def list_shards(paths):
    shards = []
    for p in paths:
        if os.path.isdir(p):
            shards += sorted(os.path.join(p, f) for f in os.listdir(p) if f.endswith((".tar", ".tar.gz", ".tgz")))
        else:
            shards.append(p)
    return [os.path.abspath(s) for s in shards]


class Scorer:
    """One onnxruntime session per Python worker, with the model's preprocessing and verdict rule."""

    _cache = {}

    def __init__(self, model_path, threads=1):
        import onnx, onnxruntime as ort
        meta = {p.key: p.value for p in onnx.load(model_path, load_external_data=False).metadata_props}
        self.size = int(meta["input_size"])
        self.fake = meta["classes"].split(",").index("FAKE")
        band = [float(v) for v in meta.get("unsure_band", "").split(",") if v]
        self.band = tuple(band) if len(band) == 2 else (0.5, 0.5)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(model_path, options, providers=["CPUExecutionProvider"])

    @classmethod
    def get(cls, model_path, threads=1):
        if model_path not in cls._cache:
            cls._cache[model_path] = Scorer(model_path, threads)
        return cls._cache[model_path]

    def prepare(self, data):
        from PIL import Image, ImageOps
        img = Image.open(io.BytesIO(data))
        img = ImageOps.exif_transpose(img)
        if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
            rgba = img.convert("RGBA")
            white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            img = Image.alpha_composite(white, rgba)
        img = img.convert("RGB")
        s = self.size
        pixels = np.asarray(img, dtype=np.uint8)
        if img.size != (s, s):
            shrink = img.width >= s and img.height >= s
            pixels = discern_resize(pixels, s, s, "area" if shrink else "bilinear")
        return pixels.astype(np.float32) / 255

    def verdict(self, p):
        lo, hi = self.band
        if lo < hi and lo < p < hi:
            return "UNSURE"
        return "FAKE" if p >= 0.5 else "REAL"

    def score(self, batch):
        (probs,) = self.session.run(["probabilities"], {"image": np.stack(batch)})
        return probs[:, self.fake].astype(np.float64)


def score_task(shard, part, splits, model_path, batch_size=256):
    """Rows for every `splits`-th image (offset `part`) of one shard."""
    scorer = Scorer.get(model_path)
    rows, pending = [], []

    def flush():
        if pending:
            ps = scorer.score([x for _, x in pending])
            rows.extend((path, float(p), scorer.verdict(p), None) for (path, _), p in zip(pending, ps))
            pending.clear()

    index = 0
    with tarfile.open(shard, "r|*") as tar:
        for member in tar:
            if not member.isfile() or not member.name.lower().endswith(IMAGE_EXTS):
                continue
            mine = index % splits == part
            index += 1
            if not mine:
                continue
            path = f"{shard}:{member.name}"
            try:
                pending.append((path, scorer.prepare(tar.extractfile(member).read())))
            except Exception as e:  # a corrupt member must not stop the shard
                rows.append((path, None, "ERROR", f"{type(e).__name__}: {e}"))
            if len(pending) >= batch_size:
                flush()
    flush()
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", required=True, help="ONNX file from `discern export --format onnx`")
    ap.add_argument("--shards", nargs="+", required=True, help="tar / tar.gz shards or folders of them")
    ap.add_argument("--out", required=True, help="output Parquet folder")
    ap.add_argument("--splits", type=int, default=2, help="tasks per shard (each scores every splits-th image)")
    ap.add_argument("--master", default=None, help="Spark master (default: spark-submit's, else local[2])")
    args = ap.parse_args()

    # Local runs: workers use this interpreter (and its onnxruntime/Pillow); clusters set PYSPARK_PYTHON themselves.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession
    builder = SparkSession.builder.appName("discern-score-shards")
    if args.master or not os.environ.get("SPARK_ENV_LOADED"):
        builder = builder.master(args.master or "local[2]")
    spark = builder.config("spark.sql.execution.arrow.pyspark.enabled", "true").getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    shards = list_shards(args.shards)
    model = os.path.abspath(args.model)
    spark.sparkContext.addFile(model)
    model_name = os.path.basename(model)
    tasks = pd.DataFrame([(s, k) for s in shards for k in range(args.splits)], columns=["shard", "part"])
    splits = args.splits

    def score_partitions(frames):
        from pyspark import SparkFiles
        local_model = SparkFiles.get(model_name)
        for frame in frames:
            for shard, part in zip(frame["shard"], frame["part"]):
                rows = score_task(shard, int(part), splits, local_model)
                yield pd.DataFrame(rows, columns=["path", "p_fake", "verdict", "error"])

    start = time.time()
    frame = spark.createDataFrame(tasks).repartition(len(tasks))
    scored = frame.mapInPandas(score_partitions, schema=SCHEMA)
    scored.write.mode("overwrite").parquet(args.out)
    elapsed = time.time() - start
    result = spark.read.parquet(args.out)
    n = result.count()
    counts = {r["verdict"]: r["count"] for r in result.groupBy("verdict").count().collect()}
    print(f"scored {n} images from {len(shards)} shard(s) in {elapsed:.1f} s ({n / elapsed:.0f} img/s): "
          + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    spark.stop()


if __name__ == "__main__":
    main()
