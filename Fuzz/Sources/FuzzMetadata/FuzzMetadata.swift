import Foundation
import FuzzSupport
import Imaging

/// Every metadata reader: JPEG segments (EXIF, XMP, APP11 JUMBF/C2PA), PNG chunks (text, zTXt/iTXt, eXIf, caBX).
/// The first byte chooses the container, the rest is its body.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = fuzzData(bytes, count)
    guard let first = input.first else { return 0 }
    let body = input.dropFirst()
    var data: Data
    switch first % 3 {
    case 0: data = Data([0xFF, 0xD8])
    case 1: data = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    default: data = Data()
    }
    data.append(body)
    _ = MetadataEvidence.read(data)
    _ = EXIFOrientation.read(jpeg: data)
    return 0
}

@_cdecl("FuzzMetadata_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv) { fuzz($0, $1) }
}
