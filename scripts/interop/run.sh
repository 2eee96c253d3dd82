#!/usr/bin/env bash
# Checks Discern with outside tools: the Python ecosystem's readers (safetensors, TensorBoard, onnx), onnxruntime,
# Spark, a real browser (Chromium) and the C2PA reference implementation (c2pa-python). None of this is part of the product path.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=.build-venv
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
"$venv/bin/pip" install -q --disable-pip-version-check numpy safetensors tensorboard onnx onnxruntime pillow pyspark pandas pyarrow selenium c2pa-python==0.38.1
"$venv/bin/python" scripts/interop/check_safetensors.py .build/release/discern
"$venv/bin/python" scripts/interop/check_tensorboard.py .build/release/discern
"$venv/bin/python" scripts/interop/check_onnx.py .build/release/discern ../shared/data
"$venv/bin/python" scripts/interop/check_spark.py .build/release/discern ../shared/data
"$venv/bin/python" scripts/interop/check_serve_hostile.py .build/release/discern ../shared/data
"$venv/bin/python" scripts/interop/check_hostile_corpus.py .build/release/discern ../shared/data
"$venv/bin/python" scripts/interop/check_browser.py .build/release/discern ../shared/data
"$venv/bin/python" scripts/interop/check_study.py .build/release/discern ../shared/data
"$venv/bin/python" scripts/interop/check_c2pa.py .build/release/discern ../shared/data
