import Foundation
import Tensor

/// Why a safetensors file could not be read.
public enum SafetensorsError: Error, CustomStringConvertible, Equatable {
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// The file has `actual` bytes; its header (or a tensor's offsets) needs `expected`.
    case truncated(path: String, expected: Int, actual: Int)
    /// The JSON header is missing or malformed.
    case badHeader(path: String, reason: String)
    /// A tensor's dtype is not F32, the only one read.
    case unsupportedDType(path: String, tensor: String, dtype: String)
    /// A tensor's entry is inconsistent (e.g. its offsets do not match its shape).
    case badTensor(path: String, tensor: String, reason: String)

    /// A one-line message naming the file and, where there is one, the tensor.
    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "\(path): cannot read safetensors file: \(reason)"
        case let .truncated(path, expected, actual): return "\(path): truncated safetensors file (needs \(expected) bytes, has \(actual))"
        case let .badHeader(path, reason): return "\(path): bad safetensors header: \(reason)"
        case let .unsupportedDType(path, tensor, dtype): return "\(path): tensor '\(tensor)' has dtype \(dtype); only F32 is supported"
        case let .badTensor(path, tensor, reason): return "\(path): tensor '\(tensor)': \(reason)"
        }
    }
}

/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
/// `{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {String: String}}`,
/// then the raw little-endian tensor bytes.
public enum Safetensors {
    /// Header size limit (the reference implementation's is 100 MB).
    static let maxHeaderBytes = 100_000_000

    /// Serialises `tensors` (F32) and string `metadata`, tensors sorted by name.
    public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:]) throws -> Data {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let t = tensors[name]!
            header[name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + t.count * 4]]
            offset += t.count * 4
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // Pad with spaces so the data starts 8-byte aligned (allowed by the format).
        while (json.count + 8) % 8 != 0 { json.append(0x20) }
        var out = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        for name in names {
            let t = tensors[name]!
            out.append(UnsafeBufferPointer(start: t.pointer, count: t.count))
        }
        return out
    }

    /// Writes atomically: to a temporary file beside `url`, then renamed over it.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL) throws {
        let data = try encode(tensors, metadata: metadata)
        try data.write(to: url, options: .atomic)
    }

    /// Reads every tensor and the metadata; any inconsistency is a `SafetensorsError`, never a crash.
    public static func read(_ url: URL) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SafetensorsError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        return try decode(data, path: url.path)
    }

    /// Parses the bytes of a safetensors file.
    public static func decode(_ data: Data, path: String = "<memory>") throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        guard data.count >= 8 else { throw SafetensorsError.truncated(path: path, expected: 8, actual: data.count) }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(maxHeaderBytes) else {
            throw SafetensorsError.badHeader(path: path, reason: "header length \(headerLength) exceeds \(maxHeaderBytes)")
        }
        let dataStart = 8 + Int(headerLength)
        guard data.count >= dataStart else { throw SafetensorsError.truncated(path: path, expected: dataStart, actual: data.count) }
        let headerBytes = data.subdata(in: 8..<dataStart)
        guard let header = (try? JSONSerialization.jsonObject(with: headerBytes)) as? [String: Any] else {
            throw SafetensorsError.badHeader(path: path, reason: "not a JSON object")
        }
        var metadata: [String: String] = [:]
        if let meta = header["__metadata__"] {
            guard let m = meta as? [String: String] else {
                throw SafetensorsError.badHeader(path: path, reason: "__metadata__ must map strings to strings")
            }
            metadata = m
        }
        let body = data.count - dataStart
        var tensors: [String: Tensor] = [:]
        for (name, value) in header where name != "__metadata__" {
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                  let shape = info["shape"] as? [Int], let offsets = info["data_offsets"] as? [Int], offsets.count == 2 else {
                throw SafetensorsError.badTensor(path: path, tensor: name, reason: "needs dtype, shape and two data_offsets")
            }
            guard dtype == "F32" else { throw SafetensorsError.unsupportedDType(path: path, tensor: name, dtype: dtype) }
            guard shape.allSatisfy({ $0 >= 0 && $0 < Int(Int32.max) }) else {
                throw SafetensorsError.badTensor(path: path, tensor: name, reason: "bad shape \(shape)")
            }
            let (begin, end) = (offsets[0], offsets[1])
            let elements = shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
            guard begin >= 0, end >= begin, end <= body else {
                throw SafetensorsError.truncated(path: path, expected: dataStart + max(end, 0), actual: data.count)
            }
            guard elements != Int.max, end - begin == elements * 4 else {
                throw SafetensorsError.badTensor(path: path, tensor: name, reason: "shape \(shape) needs \(elements * 4) bytes, offsets give \(end - begin)")
            }
            let storage = TensorStorage(uninitializedCount: elements)
            data.withUnsafeBytes { raw in
                let src = raw.baseAddress! + dataStart + begin
                memcpy(storage.pointer, src, end - begin)
            }
            tensors[name] = Tensor(shape: shape, storage: storage)
        }
        return (tensors, metadata)
    }
}
