"""Peer for `discern bench data`: Pillow decodes every JPEG of a tar.gz shard on N processes.
Usage: python pillow_decode.py [SHARD] [--workers 2]   (needs: pip install pillow)"""
import argparse, io, json, multiprocessing as mp, tarfile, time
from PIL import Image

def decode(blob):
    with Image.open(io.BytesIO(blob)) as im:
        return im.convert("RGB").size

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("shard", nargs="?", default="../shared/data/cifake/train.tar.gz")
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    t0 = time.perf_counter()
    blobs = []
    with tarfile.open(a.shard, "r:gz") as tar:
        for m in tar:
            if m.isfile() and m.name.lower().endswith((".jpg", ".jpeg", ".png")):
                blobs.append(tar.extractfile(m).read())
    t_read = time.perf_counter() - t0
    with mp.Pool(a.workers) as pool:
        t1 = time.perf_counter()
        sizes = pool.map(decode, blobs, chunksize=512)
        t_decode = time.perf_counter() - t1
    import PIL
    print(json.dumps({"peer": f"Pillow {PIL.__version__}", "images": len(sizes), "workers": a.workers,
                      "read_s": round(t_read, 2), "decode_s": round(t_decode, 2),
                      "decode_img_s": round(len(sizes) / t_decode), "read_and_decode_img_s": round(len(sizes) / (t_read + t_decode))}))
