import CCairo
import Foundation

/// A Cairo drawing surface that writes PNG or SVG (chosen by the file extension), or PNG bytes in memory
/// (`url` nil, finished with `finishPNG()`).
final class Canvas {
    let cr: OpaquePointer
    private let surface: OpaquePointer
    private let url: URL?
    private let isSVG: Bool
    let width: Double, height: Double

    init(url: URL?, width: Int, height: Int) throws {
        self.url = url
        isSVG = url?.pathExtension.lowercased() == "svg"
        self.width = Double(width)
        self.height = Double(height)
        surface = isSVG ? cairo_svg_surface_create(url!.path, Double(width), Double(height))
                        : cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height))
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else { throw PlotError.cannotDraw(url?.path ?? "PNG in memory") }
        cr = cairo_create(surface)
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
    }

    /// Finishes the file (PNG written here; SVG on surface finish).
    func finish() throws {
        guard let url else { throw PlotError.cannotDraw("a canvas without a file: use finishPNG()") }
        cairo_destroy(cr)
        defer { cairo_surface_destroy(surface) }
        if isSVG {
            cairo_surface_finish(surface)
        } else {
            let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
            guard cairo_surface_write_to_png(surface, tmp.path) == CAIRO_STATUS_SUCCESS else { throw PlotError.cannotDraw(url.path) }
            // Atomic replace, so a viewer never sees half a file.
            guard rename(tmp.path, url.path) == 0 else { throw PlotError.cannotDraw(url.path) }
        }
    }

    /// Finishes the drawing and returns it as PNG bytes (for in-memory canvases, e.g. an HTTP answer).
    func finishPNG() throws -> Data {
        cairo_destroy(cr)
        defer { cairo_surface_destroy(surface) }
        final class Sink { var data = Data() }
        let sink = Sink()
        let status = withExtendedLifetime(sink) {
            cairo_surface_write_to_png_stream(surface, { closure, bytes, length in
                guard let closure, let bytes else { return CAIRO_STATUS_WRITE_ERROR }
                Unmanaged<Sink>.fromOpaque(closure).takeUnretainedValue().data.append(bytes, count: Int(length))
                return CAIRO_STATUS_SUCCESS
            }, Unmanaged.passUnretained(sink).toOpaque())
        }
        guard status == CAIRO_STATUS_SUCCESS else { throw PlotError.cannotDraw("PNG in memory") }
        return sink.data
    }

    func color(_ c: (Double, Double, Double), alpha: Double = 1) { cairo_set_source_rgba(cr, c.0, c.1, c.2, alpha) }

    func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, width: Double = 1) {
        cairo_set_line_width(cr, width)
        cairo_move_to(cr, x0, y0)
        cairo_line_to(cr, x1, y1)
        cairo_stroke(cr)
    }

    func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: Bool) {
        cairo_rectangle(cr, x, y, w, h)
        if fill { cairo_fill(cr) } else { cairo_set_line_width(cr, 1); cairo_stroke(cr) }
    }

    /// How far `s` advances at `size` (the font `text` draws with).
    func textWidth(_ s: String, size: Double = 12, bold: Bool = false) -> Double {
        cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, size)
        var ext = cairo_text_extents_t()
        cairo_text_extents(cr, s, &ext)
        return ext.x_advance
    }

    /// Text anchored at (x, y): `align` 0 left, 0.5 centre, 1 right; baseline at y.
    func text(_ s: String, _ x: Double, _ y: Double, size: Double = 12, align: Double = 0, bold: Bool = false, rotate: Bool = false) {
        let advance = textWidth(s, size: size, bold: bold)  // also selects the font drawn with below
        cairo_save(cr)
        cairo_translate(cr, x, y)
        if rotate { cairo_rotate(cr, -Double.pi / 2) }
        cairo_move_to(cr, -advance * align, 0)
        cairo_show_text(cr, s)
        cairo_restore(cr)
    }

    /// Draws 8-bit RGB pixels scaled to `size` x `size` at (x, y), nearest-neighbour (pixels stay visible).
    func image(_ rgb: [UInt8], width w: Int, height h: Int, x: Double, y: Double, size: Double) {
        imageRect(rgb, width: w, height: h, x: x, y: y, w: size, h: size)
    }

    /// Draws 8-bit RGB pixels into the rectangle (x, y, w, h), nearest-neighbour.
    func imageRect(_ rgb: [UInt8], width w: Int, height h: Int, x: Double, y: Double, w outW: Double, h outH: Double) {
        let stride = Int(cairo_format_stride_for_width(CAIRO_FORMAT_RGB24, Int32(w)))
        let img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(w), Int32(h))
        cairo_surface_flush(img)
        let data = cairo_image_surface_get_data(img)!
        for py in 0..<h {
            for px in 0..<w {
                let o = py * stride + px * 4, i = (py * w + px) * 3
                data[o] = rgb[i + 2]; data[o + 1] = rgb[i + 1]; data[o + 2] = rgb[i]; data[o + 3] = 255
            }
        }
        cairo_surface_mark_dirty(img)
        cairo_save(cr)
        cairo_translate(cr, x, y)
        cairo_scale(cr, outW / Double(w), outH / Double(h))
        cairo_set_source_surface(cr, img, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST)
        cairo_paint(cr)
        cairo_restore(cr)
        cairo_surface_destroy(img)
    }
}

/// Why a figure could not be written.
public enum PlotError: Error, CustomStringConvertible {
    /// The figure at this path could not be created or written.
    case cannotDraw(String)
    /// "<path>: cannot write figure".
    public var description: String {
        switch self { case let .cannotDraw(path): return "\(path): cannot write figure" }
    }
}
