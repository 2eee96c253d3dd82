"""Cross-checks `discern credentials` against c2pa-python (the C2PA reference implementation, c2pa-rs, from PyPI) on every
file of shared/data/metadata/c2pa and on copies changed byte by byte: same presence, active manifest label, claim
generator, assertion labels, signer organisation, claim-signature and data-hash results, and failure codes.
c2pa-rs also checks action rules (`assertion.action.malformed`: the OpenAI files' active manifest has no actions
assertion) and OCSP; discern does not, so those codes are left out of the comparison. Both judge certificates at the
current time and with no trust list.
Usage: python check_c2pa.py DISCERN SHARED_DATA"""
import json
import os
import subprocess
import sys
import tempfile

import c2pa

NOT_COMPARED = {"assertion.action.malformed"}


def reference(path):
    """What c2pa-python reports, or None when the file has no manifest."""
    try:
        with c2pa.Reader(path) as r:
            store = json.loads(r.json())
            detailed = json.loads(r.detailed_json())
    except c2pa.C2paError.ManifestNotFound:
        return None
    active = store["active_manifest"]
    m = store["manifests"][active]
    info = m.get("claim_generator_info") or [{}]
    results = store.get("validation_results", {}).get("activeManifest", {})
    codes = lambda kind: {x["code"] for x in results.get(kind, [])}
    return {
        "active": active,
        "generator": m.get("claim_generator") or info[0].get("name"),
        "assertions": set(detailed["manifests"][active]["assertion_store"].keys()),
        "signer": (m.get("signature_info") or {}).get("issuer"),
        "signature": "claimSignature.validated" in codes("success") and "claimSignature.mismatch" not in codes("failure"),
        "data_hash": "match" if "assertion.dataHash.match" in codes("success") else "mismatch" if "assertion.dataHash.mismatch" in codes("failure") else None,
        "failures": codes("failure") - NOT_COMPARED,
    }


def ours(discern, path):
    out = subprocess.run([discern, "credentials", "--format", "json", path], capture_output=True, text=True, check=True).stdout
    j = json.loads(out)
    if j["active_manifest"] is None:
        return None
    m = next(x for x in j["manifests"] if x["label"] == j["active_manifest"])
    codes = {s["code"] for s in m["statuses"]}
    return {
        "active": j["active_manifest"],
        "generator": m["claim_generator"],
        "assertions": set(m["assertions"]),
        "signer": (m.get("signer") or {}).get("organization"),
        "signature": "claimSignature.validated" in codes,
        "data_hash": "match" if "assertion.dataHash.match" in codes else "mismatch" if "assertion.dataHash.mismatch" in codes else None,
        "failures": {s["code"] for s in m["statuses"] if s["kind"] == "failure"},
    }


def modified(folder, tmp):
    """Byte-changed copies: a pixel bit (data hash), a byte of the OpenAI claim (signature)."""
    out = []
    png = open(os.path.join(folder, "openai-gpt-image-1-vinyl-output.png"), "rb").read()
    flipped = bytearray(png)
    flipped[-100] ^= 1
    claim = bytearray(png)
    at = png.rindex(b"claim_generator_info")   # the active (last) manifest's claim
    claim[at + 40] ^= 1   # inside the claim's CBOR, which the signature covers
    for name, data in [("output-pixel-flipped.png", flipped), ("output-claim-changed.png", claim)]:
        p = os.path.join(tmp, name)
        open(p, "wb").write(bytes(data))
        out.append(p)
    return out


def main(discern, shared):
    folder = os.path.join(shared, "metadata", "c2pa")
    print(f"c2pa-python {c2pa.version('c2pa-python')} (c2pa-rs {c2pa.sdk_version()})")
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        files = [os.path.join(folder, f) for f in sorted(os.listdir(folder))] + modified(folder, tmp)
        for path in files:
            ref, got = reference(path), ours(discern, path)
            name = os.path.basename(path)
            if ref is None or got is None:
                ok = ref is None and got is None
                print(f"c2pa {name}: {'no manifest (both)' if ok else f'presence differs: reference {ref}, discern {got}'}")
            else:
                diffs = [k for k in ref if ref[k] != got[k]]
                ok = not diffs
                print(f"c2pa {name}: active {got['active']}, generator {got['generator']!r}, signer {got['signer']!r}, "
                      f"signature {'valid' if got['signature'] else 'INVALID'}, data hash {got['data_hash']}, "
                      f"failures {sorted(got['failures'])}: " + ("same as c2pa-python" if ok else
                      "DIFFERS in " + "; ".join(f"{k}: reference {ref[k]!r}, discern {got[k]!r}" for k in diffs)))
            failed += not ok
    print(f"interop c2pa: {len(files) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
