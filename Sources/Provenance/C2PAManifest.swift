import Foundation

/// A C2PA manifest store read from its JUMBF bytes (C2PA 2.2 sections 11.1, 10, 18): its manifests in order, the
/// last being the active one (the asset's own; earlier ones belong to ingredients).
public struct C2PAManifestStore: Sendable {
    /// The store's bytes (ranges of the boxes below point into them).
    public let bytes: [UInt8]
    /// The outermost superbox (`jumb`, description tag `c2pa`).
    public let root: JUMBFBox
    /// The manifests (`c2ma` standard and `c2um` update manifests), in store order; never empty.
    public let manifests: [C2PAManifest]
    /// The asset's own manifest: the last one (C2PA 15.5.1).
    public var active: C2PAManifest? { manifests.last }

    /// Parses a store; throws `C2PAError` when it is not a C2PA store or a manifest lacks its claim or signature.
    public init(bytes: [UInt8]) throws {
        self.bytes = bytes
        root = try JUMBFBox.parse(bytes)
        guard root.type == "jumb", root.description?.tag == "c2pa" else { throw C2PAError.notAStore }
        manifests = try root.children.filter { $0.type == "jumb" && ["c2ma", "c2um"].contains($0.description?.tag) }
            .map { try C2PAManifest(box: $0, store: bytes) }
        guard !manifests.isEmpty else { throw C2PAError.notAStore }
    }

    /// The manifest labelled `label`.
    public func manifest(labelled label: String) -> C2PAManifest? { manifests.first { $0.label == label } }

    /// The box a `self#jumbf=` URI names: absolute (`/c2pa/<manifest>/...`) or relative to `manifest`.
    public func box(at uri: String, in manifest: C2PAManifest) -> JUMBFBox? {
        guard let r = uri.range(of: "#jumbf=") else { return nil }
        var path = uri[r.upperBound...].split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var box: JUMBFBox
        if uri[r.upperBound...].hasPrefix("/") {
            guard path.first == root.label else { return nil }
            path.removeFirst()
            box = root
        } else {
            box = manifest.box
        }
        for label in path {
            guard let next = box.child(labelled: label) else { return nil }
            box = next
        }
        return box
    }
}

/// One manifest: its claim, its assertions and the COSE signature over the claim.
public struct C2PAManifest: Sendable {
    /// The manifest's label (its URN), empty when the box has none.
    public let label: String
    /// The manifest's superbox.
    public let box: JUMBFBox
    /// The decoded claim.
    public let claim: C2PAClaim
    /// The claim's CBOR bytes exactly as stored: what the signature signs.
    public let claimBytes: [UInt8]
    /// The COSE_Sign1 structure's bytes.
    public let signatureBytes: [UInt8]
    /// The boxes of its assertion store (`c2as`), in order; empty when it has none.
    public let assertions: [C2PAAssertion]

    init(box: JUMBFBox, store: [UInt8]) throws {
        self.box = box
        label = box.label ?? ""
        guard let claimBox = box.children.first(where: { $0.description?.tag == "c2cl" }), let claimContent = claimBox.content(ofType: "cbor") else {
            throw C2PAError.missingPart(manifest: label, part: "claim")
        }
        claimBytes = Array(store[claimContent.payload])
        claim = try C2PAClaim(CBOR.decode(claimBytes), label: claimBox.label ?? "")
        guard let sigBox = box.children.first(where: { $0.description?.tag == "c2cs" }), let sigContent = sigBox.content(ofType: "cbor") else {
            throw C2PAError.missingPart(manifest: label, part: "signature")
        }
        signatureBytes = Array(store[sigContent.payload])
        let assertionStore = box.children.first { $0.description?.tag == "c2as" }
        assertions = (assertionStore?.children ?? []).map { C2PAAssertion(box: $0, store: store) }
    }

    /// The assertion labelled `label` (or `label__N`, an instance of it).
    public func assertion(_ label: String) -> C2PAAssertion? {
        assertions.first { $0.label == label || $0.label.hasPrefix(label + "__") }
    }

    /// Its ingredients (`c2pa.ingredient`, `.v2`, `.v3` assertions): the assets it was made from.
    public var ingredients: [C2PAIngredient] {
        assertions.filter { ["c2pa.ingredient", "c2pa.ingredient.v2", "c2pa.ingredient.v3"].contains($0.baseLabel) }.compactMap { a in
            guard case let .cbor(c) = a.content else { return nil }
            return C2PAIngredient(c)
        }
    }

    /// The actions of its `c2pa.actions` / `c2pa.actions.v2` assertions (templates included).
    public var actions: [C2PAAction] {
        assertions.filter { $0.baseLabel == "c2pa.actions" || $0.baseLabel == "c2pa.actions.v2" }.flatMap { a -> [C2PAAction] in
            guard case let .cbor(c) = a.content else { return [] }
            return ((c["actions"]?.items ?? []) + (c["templates"]?.items ?? [])).map(C2PAAction.init)
        }
    }
}

/// A claim (C2PA 10.2): v1 `c2pa.claim` or v2 `c2pa.claim.v2`.
public struct C2PAClaim: Sendable {
    /// 1 or 2.
    public let version: Int
    /// v1's `claim_generator` string, else v2's `claim_generator_info` name (and version).
    public let generator: String?
    /// The assertions the claim lists (v1 `assertions`; v2 `created_assertions` then `gathered_assertions`).
    public let assertionReferences: [C2PAHashedURI]
    /// The URI of the claim signature box.
    public let signatureURI: String?
    /// The default hash algorithm (`alg`, sha256 if absent).
    public let algorithm: String
    /// The claim's `dc:title`, when present.
    public let title: String?

    init(_ c: CBOR, label: String) throws {
        guard case .map = c else { throw C2PAError.malformed("claim is not a CBOR map") }
        version = label == "c2pa.claim.v2" ? 2 : 1
        let info = c["claim_generator_info"].flatMap { $0.items?.first ?? $0 }
        let infoName = info?["name"]?.string.map { name in info?["version"]?.string.map { "\(name) \($0)" } ?? name }
        generator = c["claim_generator"]?.string ?? infoName
        let refs = (c["assertions"]?.items ?? []) + (c["created_assertions"]?.items ?? []) + (c["gathered_assertions"]?.items ?? [])
        assertionReferences = refs.compactMap(C2PAHashedURI.init)
        signatureURI = c["signature"]?.string
        algorithm = c["alg"]?.string ?? "sha256"
        title = c["dc:title"]?.string
    }
}

/// A hashed URI (C2PA 8.3): a JUMBF URI and the hash of the box it names.
public struct C2PAHashedURI: Sendable {
    /// The JUMBF URI of the box (e.g. `self#jumbf=c2pa.assertions/c2pa.actions`).
    public let url: String
    /// The hash of the box's bytes as stored (empty when absent).
    public let hash: [UInt8]
    /// The hash algorithm (`alg`), or nil for the claim's default.
    public let algorithm: String?

    init?(_ c: CBOR) {
        guard let url = c["url"]?.string else { return nil }
        self.url = url
        // Some writers store the hash as an array of integers instead of a byte string.
        if let b = c["hash"]?.byteString { hash = b } else { hash = (c["hash"]?.items ?? []).compactMap { $0.int.flatMap(UInt8.init(exactly:)) } }
        algorithm = c["alg"]?.string
    }
}

/// One assertion box and its decoded content.
public struct C2PAAssertion: Sendable {
    /// The assertion's label (e.g. `c2pa.actions`, `c2pa.hash.data`), empty when the box has none.
    public let label: String
    /// The assertion's superbox.
    public let box: JUMBFBox
    /// The decoded content (CBOR, JSON, an embedded file's media type, or why none was read).
    public let content: Content

    /// What an assertion holds.
    public enum Content: Sendable {
        /// A `cbor` content box, decoded.
        case cbor(CBOR)
        /// A `json` content box's UTF-8 text.
        case json(String)
        /// An embedded file (`bfdb` box); only its media type is read.
        case embeddedFile(mediaType: String)
        /// Undecodable or of a kind not read here, with the reason.
        case other(String)
    }

    /// The label without an instance suffix (`c2pa.actions__1` -> `c2pa.actions`).
    public var baseLabel: String {
        guard let r = label.range(of: "__", options: .backwards), label[r.upperBound...].allSatisfy(\.isNumber) else { return label }
        return String(label[..<r.lowerBound])
    }

    init(box: JUMBFBox, store: [UInt8]) {
        self.box = box
        label = box.label ?? ""
        if let c = box.content(ofType: "cbor") {
            do { content = .cbor(try CBOR.decode(Array(store[c.payload]))) } catch { content = .other("\(error)") }
        } else if let j = box.content(ofType: "json") {
            content = String(validating: store[j.payload], as: UTF8.self).map(Content.json) ?? .other("JSON is not UTF-8")
        } else if let d = box.content(ofType: "bfdb") {
            let bytes = store[d.payload].dropFirst()
            content = .embeddedFile(mediaType: String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self))
        } else {
            content = .other("no cbor, json or embedded-file box")
        }
    }
}

/// An ingredient assertion (C2PA 18.15): an asset this one was made from, and the manifest that asset carried.
public struct C2PAIngredient: Sendable {
    /// The ingredient's `dc:title` (or `title`), when present.
    public let title: String?
    /// `parentOf`, `componentOf` or `inputTo`.
    public let relationship: String?
    /// The URI of the ingredient's own manifest in this store (v3 `activeManifest`, v1/v2 `c2pa_manifest`), if it had one.
    public let manifestURI: String?

    init(_ c: CBOR) {
        title = c["dc:title"]?.string ?? c["title"]?.string
        relationship = c["relationship"]?.string
        manifestURI = (c["activeManifest"] ?? c["c2pa_manifest"])?["url"]?.string
    }
}

/// One entry of an actions assertion (C2PA 18.14).
public struct C2PAAction: Sendable {
    /// e.g. `c2pa.created`, `c2pa.opened`, `c2pa.converted`; `*` for a template.
    public let action: String
    /// The IPTC digital source type URI, e.g. `http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia`.
    public let digitalSourceType: String?
    /// The software agent's name (v1: a string; v2: a generator-info map's `name`).
    public let softwareAgent: String?

    init(_ c: CBOR) {
        action = c["action"]?.string ?? ""
        digitalSourceType = c["digitalSourceType"]?.string
        softwareAgent = c["softwareAgent"]?.string ?? c["softwareAgent"]?["name"]?.string
    }

    /// The last path component of the digital source type (`trainedAlgorithmicMedia`).
    public var sourceTypeName: String? { digitalSourceType.map { String($0.split(separator: "/").last ?? Substring($0)) } }
}

/// Why a manifest store could not be read.
public enum C2PAError: Error, Equatable, CustomStringConvertible {
    /// The bytes are not a C2PA manifest store (or it holds no manifest).
    case notAStore
    /// The file carries more than one manifest store.
    case multipleStores
    /// The file's container (JPEG APP11 segments, PNG `caBX` chunk, ...) holding the store is malformed.
    case malformedContainer(String)
    /// Manifest `manifest` lacks its `part` (claim or signature).
    case missingPart(manifest: String, part: String)
    /// A part of the store (claim, COSE signature, certificate, ...) is malformed; the text says which.
    case malformed(String)

    /// A one-line message starting with "C2PA:".
    public var description: String {
        switch self {
        case .notAStore: return "C2PA: not a manifest store"
        case .multipleStores: return "C2PA: more than one manifest store in the file"
        case let .malformedContainer(why): return "C2PA: \(why)"
        case let .missingPart(manifest, part): return "C2PA: manifest \(manifest) has no \(part)"
        case let .malformed(why): return "C2PA: \(why)"
        }
    }
}
