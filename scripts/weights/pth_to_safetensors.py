#!/usr/bin/env python3
"""Converts a PyTorch state_dict file (.pth, legacy or zip format) to safetensors, without torch.

Standard library only: the pickle is read with a restricted Unpickler that knows just the globals a
state_dict uses (OrderedDict, tensor rebuild, storage types); anything else is refused, so a hostile
.pth cannot run code. Names and layouts are kept as PyTorch has them (OIHW convolutions); Discern
converts layouts when it loads them. int64 bookkeeping tensors (num_batches_tracked) are dropped;
half-precision tensors (F16) are widened to F32 exactly.

usage: pth_to_safetensors.py [PREFIX=]IN.pth [[PREFIX=]IN2.pth ...] OUT.safetensors
  Several inputs merge into one file; PREFIX (e.g. encoder.) is put in front of each name of that input.
"""
import array, collections, io, itertools, json, pickle, struct, sys, zipfile

DTYPES = {"FloatStorage": ("F32", 4), "DoubleStorage": ("F64", 8), "HalfStorage": ("F16", 2),
          "LongStorage": ("I64", 8), "IntStorage": ("I32", 4), "BFloat16Storage": ("BF16", 2)}


class Ref:
    """A tensor view of a storage: which storage, offset, shape, stride."""
    def __init__(self, storage, offset, shape, stride):
        self.storage, self.offset, self.shape, self.stride = storage, offset, tuple(shape), tuple(stride)


def rebuild_tensor(storage, offset, shape, stride, *rest):
    return Ref(storage, offset, shape, stride)


class StateDictUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if (module, name) in (("torch._utils", "_rebuild_tensor_v2"), ("torch._utils", "_rebuild_tensor")):
            return rebuild_tensor
        if module == "torch" and name in DTYPES:
            return name
        raise pickle.UnpicklingError(f"refusing global {module}.{name}")

    def persistent_load(self, pid):
        # ('storage', storage_type, key, location, numel[, view_metadata])
        kind, storage_type, key = pid[0], pid[1], pid[2]
        if kind != "storage" or storage_type not in DTYPES:
            raise pickle.UnpicklingError(f"unsupported persistent id {pid[:2]}")
        return (storage_type, str(key))


def load(path):
    """Returns (state_dict of Ref, {key: bytes}, {key: storage_type})."""
    data = open(path, "rb").read()
    if data[:4] == b"PK\x03\x04":
        z = zipfile.ZipFile(io.BytesIO(data))
        prefix = z.namelist()[0].split("/")[0]
        state = StateDictUnpickler(io.BytesIO(z.read(f"{prefix}/data.pkl"))).load()
        keys = {ref.storage[1] for ref in state.values() if isinstance(ref, Ref)}
        return state, {k: z.read(f"{prefix}/data/{k}") for k in keys}
    f = io.BytesIO(data)
    magic = pickle.load(f)
    if magic != 0x1950A86A20F9469CFC6C:
        raise SystemExit(f"{path}: not a PyTorch file")
    pickle.load(f)  # protocol version
    pickle.load(f)  # sys info
    state = StateDictUnpickler(f).load()
    keys = pickle.load(f)
    types = {ref.storage[1]: ref.storage[0] for ref in state.values() if isinstance(ref, Ref)}
    blobs = {}
    for k in keys:
        (count,) = struct.unpack("<q", f.read(8))
        blobs[k] = f.read(count * DTYPES[types[k]][1])
    return state, blobs


def strided_copy(blob, size, offset, shape, stride):
    """The row-major bytes of a (possibly strided) view of a 4-byte storage."""
    numel = 1
    for d in shape:
        numel *= d
    contiguous, s = [], 1
    for d in reversed(shape):
        contiguous.insert(0, s)
        s *= d
    if numel <= 1 or tuple(contiguous) == tuple(stride):
        return blob[offset * size:(offset + numel) * size]
    src = array.array("f", blob)
    out = array.array("f", bytes(numel * 4))
    for i, idx in enumerate(itertools.product(*(range(d) for d in shape))):
        out[i] = src[offset + sum(a * b for a, b in zip(idx, stride))]
    return out.tobytes()


def widen_half(blob):
    """F16 bytes -> F32 bytes (every half value is exactly representable)."""
    count = len(blob) // 2
    return struct.pack(f"<{count}f", *struct.unpack(f"<{count}e", blob))


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    header, chunks, offset, sources = {}, [], 0, []
    for arg in sys.argv[1:-1]:
        prefix, _, path = arg.rpartition("=") if "=" in arg else ("", "", arg)
        sources.append(path.split("/")[-1])
        state, blobs = load(path)
        for name, ref in state.items():
            if not isinstance(ref, Ref):
                continue
            kind = ref.storage[0]
            if DTYPES[kind][0] not in ("F32", "F16"):
                continue
            blob = blobs[ref.storage[1]]
            if kind == "HalfStorage":
                blob = widen_half(blob)
            raw = strided_copy(blob, 4, ref.offset, ref.shape, ref.stride)
            header[prefix + name] = {"dtype": "F32", "shape": list(ref.shape), "data_offsets": [offset, offset + len(raw)]}
            chunks.append(raw)
            offset += len(raw)
    header["__metadata__"] = {"source": ",".join(sources), "layout": "pytorch"}
    blob = json.dumps(header, separators=(",", ":")).encode()
    blob += b" " * (-len(blob) % 8)
    with open(sys.argv[-1], "wb") as out:
        out.write(struct.pack("<Q", len(blob)) + blob)
        for c in chunks:
            out.write(c)
    print(f"{sys.argv[-1]}: {len(chunks)} tensors, {offset} bytes")


if __name__ == "__main__":
    main()
