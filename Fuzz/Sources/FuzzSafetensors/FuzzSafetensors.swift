import Foundation
import FuzzSupport
import NN

/// The safetensors loader: header length, JSON header, dtype, shapes and offsets against the file's size.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let url = fuzzFile(fuzzData(bytes, count), suffix: ".safetensors")
    _ = try? Safetensors.read(url)
    return 0
}

@_cdecl("FuzzSafetensors_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv) { fuzz($0, $1) }
}
