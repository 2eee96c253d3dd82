import Data
import Foundation
import FuzzSupport

/// The JSONL manifest reader, and a dataset source over it (paths that name nothing are failures, not crashes).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let url = fuzzFile(fuzzData(bytes, count), suffix: ".jsonl")
    _ = try? Manifest.read(url)
    return 0
}

@_cdecl("FuzzManifest_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv) { fuzz($0, $1) }
}
