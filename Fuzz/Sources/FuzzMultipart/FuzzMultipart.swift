import Foundation
import FuzzSupport
import Serving

/// The HTTP body path of POST /v1/classify: multipart/form-data parsing (`MultipartBody` and our part handling)
/// with a fixed boundary, within the part limit.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let body = fuzzData(bytes, count)
    _ = try? DetectorServer.multipartFiles(body, contentType: "multipart/form-data; boundary=fuzz", maxParts: 64)
    _ = try? DetectorServer.multipartFiles(body, contentType: "multipart/form-data; boundary=\"a b\"", maxParts: 64)
    return 0
}

@_cdecl("FuzzMultipart_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv) { fuzz($0, $1) }
}
