#!/usr/bin/env python3
"""Checks that every target of Package.swift declares each module its sources import.

Reads `swift package dump-package` (JSON) and each target's .swift files; system modules (Foundation,
Dispatch, XCTest, ...) are exempt. Prints one line per missing declaration and exits 1 if there is any.
Usage: scripts/check_imports.py   (from anywhere in the repository)
"""
import json
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SYSTEM = {"Foundation", "FoundationEssentials", "FoundationNetworking", "Dispatch", "XCTest", "Testing", "Glibc", "Darwin", "os"}
# Products whose module name differs from the product name.
PRODUCT_MODULES = {"ArgumentParser": {"ArgumentParser"}, "Crypto": {"Crypto"}, "_CryptoExtras": {"_CryptoExtras"},
                   "X509": {"X509"}, "SwiftASN1": {"SwiftASN1"}}

package = json.loads(subprocess.run(["swift", "package", "dump-package"], cwd=ROOT, check=True,
                                    capture_output=True, text=True).stdout)
missing = []
for target in package["targets"]:
    if target["type"] == "system":
        continue
    declared = set()
    for dep in target["dependencies"]:
        kind, value = next(iter(dep.items()))
        name = value[0]
        declared |= PRODUCT_MODULES.get(name, {name})
    path = target.get("path") or ("Tests/" if target["type"] == "test" else "Sources/") + target["name"]
    imported = set()
    for source in (ROOT / path).rglob("*.swift"):
        for match in re.finditer(r"^\s*(?:@testable\s+|@_implementationOnly\s+|public\s+|internal\s+)*import\s+(?:struct\s+|class\s+|enum\s+|func\s+)?(\w+)",
                                 source.read_text(encoding="utf-8"), re.M):
            imported.add(match.group(1))
    for module in sorted(imported - declared - SYSTEM - {target["name"]}):
        missing.append(f"{target['name']}: imports {module} but does not declare it")
print("\n".join(missing) if missing else f"every import declared ({len(package['targets'])} targets)")
sys.exit(1 if missing else 0)
