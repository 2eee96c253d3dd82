import Foundation
import Imaging
import Tensor

/// Fresh edits every epoch for the "real / edited / AI" task. A shard made by `discern dataset edit` holds one fixed
/// edit per photo, which a model can learn by heart (training accuracy climbs while validation stalls). For each
/// EDITED training image whose source photo is known, this draws a new edit of that photo each time it is asked,
/// with `EditedSetMaker`'s own draw and coder: a random donor photo, kind, rectangle and strength, at the photo's
/// own size (`EditedSetMaker.editSize`), stored as a CIFAKE-style JPEG (quality 75), then decoded and resized to the
/// training size as `DecodedDataset.load` does. The edit's rectangle comes back with it, for the region loss.
/// Edits are taken as drawn (`dataset edit`'s `--min-change 0`).
public struct EditRedrawer: Sendable {
    /// The source photos, at `EditedSetMaker.editSize`; the donors of splices are drawn from them too.
    public let sources: DecodedDataset
    /// Per training image, the index of its source photo in `sources` (nil: the image keeps its stored pixels).
    public let sourceIndex: [Int?]
    /// Side of the images handed back (the training size).
    public let outputSize: Int
    /// The edit kinds drawn from (at least one).
    public let kinds: [ImageEdit]

    /// - Parameters:
    ///   - sources: the source photos (at least two), each at `EditedSetMaker.editSize`.
    ///   - sourceIndex: one entry per training image.
    public init(sources: DecodedDataset, sourceIndex: [Int?], outputSize: Int, kinds: [ImageEdit] = ImageEdit.allCases) {
        precondition(sources.count >= 2 && !kinds.isEmpty, "need at least two source photos and one edit kind")
        precondition(sourceIndex.allSatisfy { $0.map { (0..<sources.count).contains($0) } ?? true }, "source index out of range")
        self.sources = sources
        self.sourceIndex = sourceIndex
        self.outputSize = outputSize
        self.kinds = kinds
    }

    /// The kind and the source photo's file name of an EDITED image, from the name `EditedSetMaker` gives it
    /// (`<kind>-<source file name>`); nil for a name without an edit-kind prefix.
    public static func parse(editedName name: String) -> (kind: ImageEdit, source: String)? {
        ImageEdit.allCases.first { name.hasPrefix($0.rawValue + "-") }.map { ($0, String(name.dropFirst($0.rawValue.count + 1))) }
    }

    /// Training images that get fresh edits.
    public var redrawnCount: Int { sourceIndex.lazy.filter { $0 != nil }.count }

    /// A new edit of training image `index`'s source photo, `outputSize` square, with the edited rectangle as a
    /// fraction of the image; nil when the image has no source photo (or, never for CIFAKE-sized photos, the JPEG
    /// coder failed), so it keeps its stored pixels.
    public func redraw(_ index: Int, using rng: inout some RandomNumberGenerator) -> (image: RGBImage, box: RegionBox)? {
        guard let s = sourceIndex[index] else { return nil }
        let edit = EditedSetMaker.drawEdit(of: s, among: sources.count, kinds: kinds, using: &rng) { sources.image($0) }.edit
        guard let coded = try? ImageDecoder.decode(EditedSetMaker.encode(edit.image)) else { return nil }
        let image = DecodedDataset.fitted(coded, size: outputSize)
        let r = edit.region
        return (image, RegionBox(x: r.x, y: r.y, width: r.width, height: r.height, imageWidth: edit.image.width, imageHeight: edit.image.height))
    }
}
