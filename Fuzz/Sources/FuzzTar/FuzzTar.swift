import Data
import Foundation
import FuzzSupport

/// The tar reader on an uncompressed archive, through the dataset source (labels from member paths).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let url = fuzzFile(fuzzData(bytes, count), suffix: ".tar")
    if let reader = try? TarReader(url: url) {
        var n = 0
        while (try? reader.nextMember()) != nil, n < 10_000 { n += 1 }
    }
    _ = try? DatasetSource(paths: [url.path]).forEach { _, _ in }
    return 0
}

@_cdecl("FuzzTar_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv) { fuzz($0, $1) }
}
