import Foundation
import FuzzSupport
import Imaging

/// JPEG through our TurboJPEG wrapper: header, decode, EXIF orientation, then a known-good image must still decode
/// to the same pixels (no state may carry over from a bad input).
let reference = try! JPEGCodec.encode(RGBImage(width: 8, height: 8, pixels: (0..<192).map { UInt8($0) }), quality: 90)
let expected = try! ImageDecoder.decode(reference)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    var data = Data([0xFF, 0xD8, 0xFF])
    data.append(fuzzData(bytes, count))
    _ = try? ImageDecoder.dimensions(of: data)
    _ = try? ImageDecoder.decode(data, maxPixels: 4_000_000)
    _ = JPEGQuality.estimate(data)
    guard (try? ImageDecoder.decode(reference)) == expected else { fatalError("a good JPEG decodes differently after a bad one") }
    return 0
}

@_cdecl("FuzzJPEG_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv) { fuzz($0, $1) }
}
