import Foundation

/// The pieces of the self-contained HTML reports (`report.html` of `evaluate` and of `study report`).
public enum HTMLText {
    /// `s` as text content: `&` and `<` escaped.
    public static func text(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    }

    /// `s` inside a double-quoted attribute: `text` plus `"` escaped.
    public static func attribute(_ s: String) -> String { text(s).replacingOccurrences(of: "\"", with: "&quot;") }

    /// A figure with the PNG `data` embedded as a base64 data URL, `title` as its alt text and caption.
    public static func pngFigure(_ data: Data, title: String) -> String {
        "<figure><img alt=\"\(attribute(title))\" src=\"data:image/png;base64,\(data.base64EncodedString())\"><figcaption>\(text(title))</figcaption></figure>"
    }
}
