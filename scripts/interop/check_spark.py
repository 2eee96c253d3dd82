"""The Spark batch-scoring job (spark/score_shards.py, local[2]) scores ../shared/data/cifake/test.tar.gz
with the exported CIFAKE part of the default detector (default-detector-small.safetensors: the size router sends
every 32x32 image to it); its verdicts equal `discern classify` (the router) on the same shard, image for image,
and its p_fake agrees within 1e-5. A detector whose input is not 32x32 makes both sides resize
the 32x32 images (the job reimplements Discern's filter in numpy; float sums in another order can round a pixel
the other way): then p_fake must agree within 1e-3 and at most 0.1 % of verdicts may differ (both printed). Usage: check_spark.py PATH/TO/discern PATH/TO/shared/data"""
import json, os, subprocess, sys, tempfile
import onnx
import pandas as pd

discern, data = sys.argv[1], sys.argv[2]
shard = os.path.realpath(os.path.join(data, "cifake", "test.tar.gz"))
with tempfile.TemporaryDirectory() as d:
    model = os.path.join(d, "default.onnx")
    small = os.path.join("Sources", "discern", "Resources", "default-detector-small.safetensors")
    subprocess.run([discern, "export", "--model", small, "--format", "onnx", "--out", model], check=True, capture_output=True)
    ours = subprocess.run([discern, "classify", shard, "--format", "json"], check=True, capture_output=True, text=True).stdout
    ours = {r["path"]: r for r in map(json.loads, ours.splitlines())}
    out = os.path.join(d, "scores.parquet")
    job = subprocess.run([sys.executable, "spark/score_shards.py", "--model", model, "--shards", shard, "--out", out, "--master", "local[2]"],
                         capture_output=True, text=True)
    if job.returncode != 0:
        print(job.stdout, job.stderr[-4000:])
        sys.exit("spark job failed")
    print(job.stdout.strip().splitlines()[-1])
    spark = pd.read_parquet(out)
    assert len(spark) == len(ours) == 8000, (len(spark), len(ours))
    assert set(spark["path"]) == set(ours), "paths differ"
    spark = spark.set_index("path")
    differ = [p for p, r in ours.items() if spark.at[p, "verdict"] != r["verdict"]]
    err = max(abs(spark.at[p, "p_fake"] - r["p_fake"]) for p, r in ours.items())
    print(f"spark vs discern classify: {len(ours)} images, {len(differ)} verdicts differ, max |p_fake difference| {err:.2e}")
    size = int({p.key: p.value for p in onnx.load(model).metadata_props}["input_size"])
    if size == 32:
        ok = not differ and err <= 1e-5 and spark["error"].isna().all()
    else:
        print(f"(the detector's input is {size}x{size}: both sides resize, tolerance 1e-3 and 0.1 % of verdicts)")
        ok = len(differ) <= 0.001 * len(ours) and err <= 1e-3 and spark["error"].isna().all()
print(f"interop spark: {int(ok)} passed, {int(not ok)} failed")
sys.exit(0 if ok else 1)
