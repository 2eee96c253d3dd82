#!/usr/bin/env bash
# Regenerates Sources/Export/Generated/onnx.pb.swift from Sources/Export/Proto/onnx.proto (copied from the
# `onnx` 1.23.2 wheel on PyPI). Needs `protoc` (Debian protobuf-compiler) and
# swift-protobuf's protoc-gen-swift at the version Package.swift names; builds do not need either,
# because the generated file is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
plugin=${PROTOC_GEN_SWIFT:-$(command -v protoc-gen-swift || true)}
if [ -z "$plugin" ]; then
  swift build -c release --package-path .build/checkouts/swift-protobuf --product protoc-gen-swift
  plugin=.build/checkouts/swift-protobuf/.build/release/protoc-gen-swift
fi
protoc --plugin=protoc-gen-swift="$plugin" --swift_opt=Visibility=Public \
  --proto_path=Sources/Export/Proto --swift_out=Sources/Export/Generated onnx.proto
