import CTurboJPEG
import Foundation

/// JPEG decoding and encoding through libjpeg-turbo's TurboJPEG API.
public enum JPEGCodec {
    /// Default decompression-bomb guard: 50 megapixels.
    public static let defaultMaxPixels = 50_000_000

    /// Decodes a JPEG to RGB after reading only its header to check the pixel count.
    ///
    /// The thread's decompressor is dropped after any failure, so a bad file can never leave state behind
    /// for the next image decoded on the same thread (libjpeg keeps a half-read header otherwise).
    public static func decode(_ data: Data, path: String = "<memory>", maxPixels: Int = defaultMaxPixels) throws -> RGBImage {
        guard let handle = decompressor() else { throw ImageError.corrupt(path: path, reason: "cannot start the JPEG decoder") }
        do {
            return try decode(data, handle: handle, path: path, maxPixels: maxPixels)
        } catch {
            discardDecompressor(handle)
            throw error
        }
    }

    /// Width and height from the JPEG header, without decoding pixels.
    public static func dimensions(_ data: Data, path: String = "<memory>") throws -> (width: Int, height: Int) {
        guard let handle = decompressor() else { throw ImageError.corrupt(path: path, reason: "cannot start the JPEG decoder") }
        do {
            return try data.withUnsafeBytes { raw in
                guard let base = raw.bindMemory(to: UInt8.self).baseAddress, raw.count > 0 else { throw ImageError.empty(path: path) }
                var w: Int32 = 0, h: Int32 = 0, subsamp: Int32 = 0, colorspace: Int32 = 0
                guard tjDecompressHeader3(handle, base, UInt(raw.count), &w, &h, &subsamp, &colorspace) == 0 else {
                    throw ImageError.corrupt(path: path, reason: String(cString: tjGetErrorStr2(handle)))
                }
                guard w > 0, h > 0 else { throw ImageError.corrupt(path: path, reason: "zero size") }
                return (Int(w), Int(h))
            }
        } catch {
            discardDecompressor(handle)
            throw error
        }
    }

    private static func decode(_ data: Data, handle: tjhandle, path: String, maxPixels: Int) throws -> RGBImage {
        try data.withUnsafeBytes { raw -> RGBImage in
            guard let base = raw.bindMemory(to: UInt8.self).baseAddress, raw.count > 0 else { throw ImageError.empty(path: path) }
            var w: Int32 = 0, h: Int32 = 0, subsamp: Int32 = 0, colorspace: Int32 = 0
            guard tjDecompressHeader3(handle, base, UInt(raw.count), &w, &h, &subsamp, &colorspace) == 0 else {
                throw ImageError.corrupt(path: path, reason: String(cString: tjGetErrorStr2(handle)))
            }
            guard w > 0, h > 0 else { throw ImageError.corrupt(path: path, reason: "zero size") }
            guard Int(w) * Int(h) <= maxPixels else { throw ImageError.tooLarge(path: path, width: Int(w), height: Int(h), limit: maxPixels) }
            let cmyk = colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue)
            let channels = cmyk ? 4 : 3
            var pixels = [UInt8](repeating: 0, count: Int(w) * Int(h) * channels)
            let format = cmyk ? TJPF_CMYK : TJPF_RGB
            let status = pixels.withUnsafeMutableBufferPointer { dst in
                tjDecompress2(handle, base, UInt(raw.count), dst.baseAddress, w, 0, h, Int32(format.rawValue), 0)
            }
            if status != 0 {
                // A truncated stream is a warning to libjpeg (grey fill); we refuse it as corrupt all the same,
                // since a detector must not judge half an image.
                throw ImageError.corrupt(path: path, reason: String(cString: tjGetErrorStr2(handle)))
            }
            if cmyk {
                // Adobe CMYK JPEGs store inverted values: R = C * K / 255 (rounded) with C, K as stored.
                var rgb = [UInt8](repeating: 0, count: Int(w) * Int(h) * 3)
                for p in 0..<(Int(w) * Int(h)) {
                    let k = Int(pixels[p * 4 + 3])
                    for c in 0..<3 { rgb[p * 3 + c] = UInt8((2 * Int(pixels[p * 4 + c]) * k + 255) / 510) }
                }
                return RGBImage(width: Int(w), height: Int(h), pixels: rgb)
            }
            return RGBImage(width: Int(w), height: Int(h), pixels: pixels)
        }
    }

    /// One decompressor per thread, created on first use and destroyed when the thread ends
    /// (creating one per image cost more than decoding a 32x32 JPEG).
    private static let decompressorKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { handle in tjDestroy(handle) }
        return key
    }()

    private static func decompressor() -> tjhandle? {
        if let h = pthread_getspecific(decompressorKey) { return h }
        let h = tjInitDecompress()
        pthread_setspecific(decompressorKey, h)
        return h
    }

    /// Destroys the thread's decompressor; the next decode on this thread starts a fresh one.
    private static func discardDecompressor(_ handle: tjhandle) {
        pthread_setspecific(decompressorKey, nil)
        tjDestroy(handle)
    }

    /// Chroma subsampling of an encoded JPEG.
    public enum ChromaSubsampling: String, Sendable, CaseIterable {
        /// Colour at half resolution both ways (Pillow's default, CIFAKE's files).
        case s420 = "4:2:0"
        /// Colour at full resolution (the wild crops: Pillow `subsampling=0`).
        case s444 = "4:4:4"
        var turbo: Int32 { Int32(self == .s420 ? TJSAMP_420.rawValue : TJSAMP_444.rawValue) }
    }

    /// Encodes RGB as a baseline JPEG at `quality` (1...100) with standard Huffman tables and 4:2:0 chroma
    /// subsampling unless told otherwise (what Pillow writes by default, and so what CIFAKE files are).
    public static func encode(_ image: RGBImage, quality: Int = 75, subsampling: ChromaSubsampling = .s420) throws -> Data {
        guard let handle = tjInitCompress() else { throw ImageError.encodingFailed(reason: "cannot start the JPEG encoder") }
        defer { tjDestroy(handle) }
        var out: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let status = image.pixels.withUnsafeBufferPointer { src in
            tjCompress2(handle, src.baseAddress, Int32(image.width), 0, Int32(image.height), Int32(TJPF_RGB.rawValue),
                        &out, &size, subsampling.turbo, Int32(max(1, min(100, quality))), 0)
        }
        defer { if let out { tjFree(out) } }
        guard status == 0, let out else { throw ImageError.encodingFailed(reason: String(cString: tjGetErrorStr2(handle))) }
        return Data(bytes: out, count: Int(size))
    }
}
