import Data
import Foundation
import FuzzSupport

/// The gzip stream under the tar reader: the input is the .tar.gz file's bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    var data = Data([0x1F, 0x8B])
    data.append(fuzzData(bytes, count))
    let url = fuzzFile(data, suffix: ".tar.gz")
    if let reader = try? TarReader(url: url) {
        var n = 0
        while (try? reader.nextMember()) != nil, n < 10_000 { n += 1 }
    }
    return 0
}

@_cdecl("FuzzGzip_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv) { fuzz($0, $1) }
}
