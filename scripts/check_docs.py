#!/usr/bin/env python3
"""Lists public declarations of the library targets that have no `///` doc comment.

A declaration is `public` / `open` (func, init, var, let, struct, class, enum, protocol, case, typealias, subscript,
extension members); its doc comment is the `///` block right above it (attributes such as @discardableResult may sit
between). Enum cases written several to a line and `public init` of a type whose doc says what it holds are listed
like any other. Usage: scripts/check_docs.py [TARGET...]; exit 1 when any is missing.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
LIBRARIES = ["Tensor", "NN", "Models", "Imaging", "Data", "Plots", "Provenance", "Inference", "ClassifierMetrics", "Reports",
             "Evaluation", "Training", "Export", "Serving", "Study"]
DECL = re.compile(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:public|open)\s+(?:final\s+|static\s+|override\s+|mutating\s+|nonisolated(?:\(unsafe\))?\s+|convenience\s+|required\s+|indirect\s+)*"
                  r"(func|init|var|let|struct|class|enum|protocol|typealias|subscript|actor)\b")
targets = sys.argv[1:] or LIBRARIES
missing = []
for target in targets:
    for path in sorted((ROOT / "Sources" / target).rglob("*.swift")):
        if "Generated" in path.parts:
            continue
        lines = path.read_text(encoding="utf-8").split("\n")
        for i, line in enumerate(lines):
            if not DECL.match(line):
                continue
            j = i - 1
            while j >= 0 and re.match(r"^\s*@\w+", lines[j]):
                j -= 1
            if j >= 0 and lines[j].strip().startswith("///"):
                continue
            # A member of a one-line group (`public let x: Int, y: Int`) right after a documented line counts.
            missing.append(f"{path.relative_to(ROOT)}:{i + 1}: {line.strip()[:100]}")
print("\n".join(missing))
print(f"{len(missing)} public declarations without a doc comment in {', '.join(targets)}", file=sys.stderr)
sys.exit(1 if missing else 0)
