"""Reference metrics from scikit-learn for Tests/EvaluationTests/SklearnAgreementTests.swift.

Input: a predictions CSV written by `discern evaluate --predictions FILE` on ../shared/data/cifake/test.tar.gz
(columns path,label,p_real,p_fake). Output, in Tests/Fixtures/sklearn/:
  binary_predictions.csv  label (0 REAL / 1 FAKE), p_fake  -- exactly the values both sides use
  multiclass_predictions.csv  label, p0, p1, p2  -- a seeded random 3-class case
  expected.json  scikit-learn's figures for both (ECE from the numpy reference below: sklearn has none; the 3-class
                 ROC-AUC one class against the rest, per class and as macro / weighted means)

Run: /work/peer-venv/bin/python scripts/make_sklearn_fixtures.py /tmp/cnn_test_preds.csv   (needs scikit-learn, numpy)
(binary_predictions.csv holds the same numbers: a CSV of path,label,p_real,p_fake rebuilt from it gives the same fixtures.)
"""
import csv, json, sys
import numpy as np
import sklearn
from sklearn import metrics

out = "Tests/Fixtures/sklearn"

def ece(y, prob, bins=15):
    pred = prob.argmax(1); conf = prob.max(1)
    idx = np.minimum((conf * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            total += abs(conf[m].sum() - (pred[m] == y[m]).sum()) / len(y)
    return total

rows = list(csv.DictReader(open(sys.argv[1])))
y = np.array([1 if r["label"] == "FAKE" else 0 for r in rows])
p = np.array([float(r["p_fake"]) for r in rows])
with open(f"{out}/binary_predictions.csv", "w") as f:
    f.write("label,p_fake\n")
    for a, b in zip(y, p):
        f.write(f"{int(a)},{float(b)!r}\n")
prob = np.stack([1 - p, p], 1)
pred = prob.argmax(1)
report = metrics.classification_report(y, pred, output_dict=True, zero_division=0)
binary = {
    "n": int(len(y)), "accuracy": metrics.accuracy_score(y, pred),
    "precision": metrics.precision_score(y, pred), "recall": metrics.recall_score(y, pred), "f1": metrics.f1_score(y, pred),
    "confusion": metrics.confusion_matrix(y, pred).tolist(),
    "roc_auc": metrics.roc_auc_score(y, p), "average_precision": metrics.average_precision_score(y, p),
    "brier": metrics.brier_score_loss(y, p), "log_loss": metrics.log_loss(y, prob), "ece": ece(y, prob),
    "macro": report["macro avg"], "weighted": report["weighted avg"],
    "per_class": [report["0"], report["1"]],
}
fpr, tpr, _ = metrics.roc_curve(y, p, drop_intermediate=False)
binary["roc_points"] = len(fpr)

rng = np.random.default_rng(7)
ym = rng.integers(0, 3, 300)
logits = rng.normal(size=(300, 3)) + np.eye(3)[ym] * 1.5
pm = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
with open(f"{out}/multiclass_predictions.csv", "w") as f:
    f.write("label,p0,p1,p2\n")
    for a, row in zip(ym, pm):
        f.write(f"{a}," + ",".join(repr(float(v)) for v in row) + "\n")
pm = np.array([[float(v) for v in l.split(",")[1:]] for l in open(f"{out}/multiclass_predictions.csv").read().split("\n")[1:] if l])
predm = pm.argmax(1)
rep = metrics.classification_report(ym, predm, output_dict=True, zero_division=0)
multi = {"n": 300, "accuracy": metrics.accuracy_score(ym, predm), "confusion": metrics.confusion_matrix(ym, predm).tolist(),
         "macro": rep["macro avg"], "weighted": rep["weighted avg"], "per_class": [rep[str(k)] for k in range(3)],
         "ece": ece(ym, pm), "log_loss": metrics.log_loss(ym, pm),
         "roc_auc_ovr_macro": metrics.roc_auc_score(ym, pm, multi_class="ovr", average="macro"),
         "roc_auc_ovr_weighted": metrics.roc_auc_score(ym, pm, multi_class="ovr", average="weighted"),
         "roc_auc_per_class": [metrics.roc_auc_score(ym == k, pm[:, k]) for k in range(3)]}
json.dump({"sklearn_version": sklearn.__version__, "binary": binary, "multiclass": multi}, open(f"{out}/expected.json", "w"), indent=1, sort_keys=True)
print("wrote", out)
