import Foundation
import FuzzSupport
import Imaging

/// PNG through our libpng wrapper (text chunks stripped first), then a known-good image must still decode.
let reference = try! PNGCodec.encode(RGBImage(width: 8, height: 8, pixels: (0..<192).map { UInt8($0) }))
let expected = try! ImageDecoder.decode(reference)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    var data = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    data.append(fuzzData(bytes, count))
    _ = try? ImageDecoder.dimensions(of: data)
    _ = try? ImageDecoder.decode(data, maxPixels: 4_000_000)
    guard (try? ImageDecoder.decode(reference)) == expected else { fatalError("a good PNG decodes differently after a bad one") }
    return 0
}

@_cdecl("FuzzPNG_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv) { fuzz($0, $1) }
}
