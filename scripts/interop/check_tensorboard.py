"""A run's TensorBoard event file is readable by TensorBoard's own reader and holds the epoch scalars of
metrics.jsonl. Usage: check_tensorboard.py PATH/TO/discern   (needs: pip install tensorboard)"""
import glob, json, os, subprocess, sys, tempfile
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

discern = sys.argv[1]
with tempfile.TemporaryDirectory() as d:
    run = os.path.join(d, "run")
    subprocess.run([discern, "train", "--model", "cnn-small", "--data", "../shared/data/cifake/sample", "--val-fraction", "0.25",
                    "--epochs", "3", "--batch", "16", "--out", run], check=True, capture_output=True)
    files = glob.glob(os.path.join(run, "events.out.tfevents.*"))
    assert len(files) == 1, files
    acc = EventAccumulator(run)
    acc.Reload()
    tags = set(acc.Tags()["scalars"])
    assert {"train/loss", "train/accuracy", "val/loss", "val/accuracy", "lr"} <= tags, tags
    records = [json.loads(l) for l in open(os.path.join(run, "metrics.jsonl"))]
    got = [(e.step, e.value) for e in acc.Scalars("val/accuracy")]
    want = [(r["epoch"], r["val_accuracy"]) for r in records]
    assert [s for s, _ in got] == [s for s, _ in want], (got, want)
    assert all(abs(a - b) < 1e-6 for (_, a), (_, b) in zip(got, want)), (got, want)
print("interop: 1 passed, 0 failed")
