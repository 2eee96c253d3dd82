import Crypto
import Foundation
import SwiftASN1

/// One validation result, named as the C2PA specification's status codes are (C2PA 2.2 section 15.2.2), plus
/// `signingCredential.expired` as the reference implementation (c2pa-rs) names an expired signer.
public struct C2PAStatus: Sendable, Equatable, Codable {
    /// Whether the check passed (`success`), only informs (`informational`), or failed (`failure`).
    public enum Kind: String, Sendable, Codable { case success, informational, failure }
    /// The status code, e.g. `claimSignature.validated`, `assertion.dataHash.mismatch`, `signingCredential.untrusted`.
    public let code: String
    /// Whether it is a success, informational, or a failure.
    public let kind: Kind
    /// The label of the manifest being validated.
    public let manifest: String
    /// The manifest, or the assertion URI, it concerns.
    public let url: String
    /// A human-readable sentence on what was found.
    public let explanation: String
}

/// The outcome of reading and validating a file's C2PA manifest store.
public struct C2PAReport: Sendable {
    /// The manifest store that was read.
    public let store: C2PAManifestStore
    /// Every status, manifest by manifest (the active one last).
    public let statuses: [C2PAStatus]
    /// The signer of each manifest that has a readable certificate, by manifest label.
    public let signers: [String: SigningCertificate]
    /// The issuer certificate of each manifest's signer, when the chain has one.
    public let issuers: [String: SigningCertificate]
    /// When certificate validity was judged.
    public let validationTime: Date

    /// As c2pa-rs states it: invalid when anything failed other than an untrusted signer; trusted when the signer
    /// chains to a trust anchor; else valid.
    public enum State: String, Sendable { case invalid = "Invalid", valid = "Valid", trusted = "Trusted" }
    /// `invalid` when any failure other than `signingCredential.untrusted` occurred; else `trusted` when the active
    /// manifest's signer chains to a trust anchor; else `valid`.
    public var state: State {
        if statuses.contains(where: { $0.kind == .failure && $0.code != "signingCredential.untrusted" }) { return .invalid }
        return statuses.contains { $0.code == "signingCredential.trusted" && $0.manifest == store.active?.label } ? .trusted : .valid
    }

    /// The failure codes, each once, in order.
    public var failures: [String] { unique(statuses.filter { $0.kind == .failure }.map(\.code)) }

    /// Whether manifest `label` passed the checks that make its claims speak for the signer: its claim signature
    /// validated with its certificate, its chain's signatures hold, its assertions' hashes match, and (for the active
    /// manifest) the asset's bytes match its hard binding. An expired or untrusted certificate does not void this.
    public func isAuthentic(_ label: String) -> Bool {
        let own = statuses.filter { $0.manifest == label }
        guard own.contains(where: { $0.code == "claimSignature.validated" }) else { return false }
        let voiding: Set = ["claimSignature.mismatch", "signingCredential.invalid", "assertion.hashedURI.mismatch", "assertion.missing",
                            "assertion.dataHash.mismatch", "assertion.dataHash.malformed", "algorithm.unsupported", "claim.malformed"]
        guard !own.contains(where: { voiding.contains($0.code) }) else { return false }
        // An ingredient's claims count only when the asset's own manifest is authentic too.
        if let active = store.active?.label, active != label { return isAuthentic(active) }
        return true
    }

    private func unique(_ xs: [String]) -> [String] {
        var seen = Set<String>()
        return xs.filter { seen.insert($0).inserted }
    }
}

/// Validates a manifest store against the file that carries it (C2PA 2.2 section 15): for every manifest the claim
/// signature (COSE_Sign1 with the certificate in its header), the certificate chain's signatures and validity dates at
/// `validationTime`, trust (the chain ends at or under one of `trustAnchors`), and the hashes of the assertions the claim
/// lists; for the active manifest also the hard binding (`c2pa.hash.data`: the file's bytes outside the exclusions).
/// Not checked: time-stamps (certificate validity is judged at `validationTime`), OCSP, and certificate policy
/// extensions (key usage, EKU).
public struct C2PAValidator: Sendable {
    /// The certificates a signer's chain must end at (or under) to count as trusted; empty trusts none.
    public let trustAnchors: [SigningCertificate]
    /// When certificates must be valid; nil: the moment `validate` runs.
    public let validationTime: Date?

    /// Creates a validator.
    /// - Parameters:
    ///   - trustAnchors: Certificates that make a chain trusted (default none).
    ///   - validationTime: When certificates must be valid; nil means the moment `validate` runs.
    public init(trustAnchors: [SigningCertificate] = [], validationTime: Date? = nil) {
        self.trustAnchors = trustAnchors
        self.validationTime = validationTime
    }

    /// Trust anchors read from a PEM file of one or more certificates (`--c2pa-trust`).
    public static func trustAnchors(pem url: URL) throws -> [SigningCertificate] {
        let text = try String(contentsOf: url, encoding: .utf8)
        let documents: [PEMDocument]
        do { documents = try PEMDocument.parseMultiple(pemString: text) } catch { throw C2PAError.malformed("\(url.path): not PEM (\(error))") }
        let certificates = try documents.filter { $0.discriminator == "CERTIFICATE" }.map { try SigningCertificate(der: $0.derBytes) }
        guard !certificates.isEmpty else { throw C2PAError.malformed("\(url.path): no CERTIFICATE in it") }
        return certificates
    }

    /// The report for `file`, or nil when it carries no manifest store. Throws `C2PAError` (or a parse error) for a
    /// store that cannot be read at all.
    public func validate(file: [UInt8]) throws -> C2PAReport? {
        guard let (bytes, _) = try C2PAContainer.manifestStore(in: file) else { return nil }
        let store = try C2PAManifestStore(bytes: bytes)
        let validationTime = self.validationTime ?? Date()
        var statuses: [C2PAStatus] = []
        var signers: [String: SigningCertificate] = [:], issuers: [String: SigningCertificate] = [:]
        for manifest in store.manifests {
            let label = manifest.label
            func add(_ code: String, _ kind: C2PAStatus.Kind, _ why: String, url: String? = nil) {
                statuses.append(C2PAStatus(code: code, kind: kind, manifest: label, url: url ?? label, explanation: why))
            }
            // Signature and credential.
            do {
                let cose = try COSESign1(manifest.signatureBytes)
                let chain = try cose.certificateChain.map(SigningCertificate.init(der:))
                guard let leaf = chain.first else { throw C2PAError.malformed("no certificate in the signature header") }
                signers[label] = leaf
                if chain.count > 1 { issuers[label] = chain[1] }
                if let alg = cose.algorithm {
                    if cose.isValid(payload: manifest.claimBytes, publicKey: leaf.publicKeyInfo) {
                        add("claimSignature.validated", .success, "claim signature valid (\(alg.name))")
                    } else {
                        add("claimSignature.mismatch", .failure, "claim signature does not match the claim (\(alg.name))")
                    }
                } else {
                    add("algorithm.unsupported", .failure, "signature algorithm \(cose.protectedHeader[int: 1].map { "\($0)" } ?? "missing")")
                }
                if let broken = chain.indices.dropLast().first(where: { !chain[$0].isIssued(by: chain[$0 + 1]) }) {
                    add("signingCredential.invalid", .failure, "certificate \(broken) of the chain is not signed by certificate \(broken + 1)")
                }
                if let stale = chain.first(where: { validationTime < $0.notBefore || validationTime > $0.notAfter }) {
                    add("signingCredential.expired", .failure, "certificate '\(stale.subjectCommonName ?? "?")' valid \(Self.day(stale.notBefore)) to \(Self.day(stale.notAfter)), not at \(Self.day(validationTime)) (no time-stamp is checked)")
                }
                if isTrusted(chain) {
                    add("signingCredential.trusted", .success, "chain ends at a trust anchor")
                } else {
                    add("signingCredential.untrusted", .failure, "signer's chain does not end at a trust anchor")
                }
            } catch {
                add("signingCredential.invalid", .failure, "\(error)")
            }
            // Assertions the claim lists.
            for ref in manifest.claim.assertionReferences {
                guard let box = store.box(at: ref.url, in: manifest) else {
                    add("assertion.missing", .failure, "no box at \(ref.url)", url: ref.url)
                    continue
                }
                guard let digest = Self.hash(ref.algorithm ?? manifest.claim.algorithm, [store.bytes[box.payload]]) else {
                    add("algorithm.unsupported", .failure, "hash algorithm \(ref.algorithm ?? manifest.claim.algorithm)", url: ref.url)
                    continue
                }
                add(digest == ref.hash ? "assertion.hashedURI.match" : "assertion.hashedURI.mismatch", digest == ref.hash ? .success : .failure,
                    "hash of \(box.label ?? ref.url)", url: ref.url)
            }
            // The active manifest's hard binding to the asset.
            if manifest.label == store.active?.label {
                if let hashData = manifest.assertion("c2pa.hash.data"), case let .cbor(c) = hashData.content {
                    let (code, kind, why) = Self.checkDataHash(c, file: file, defaultAlgorithm: manifest.claim.algorithm)
                    add(code, kind, why, url: "self#jumbf=/c2pa/\(label)/c2pa.assertions/\(hashData.label)")
                } else {
                    add("claim.hardBindings.missing", .failure, "no c2pa.hash.data assertion")
                }
            }
        }
        return C2PAReport(store: store, statuses: statuses, signers: signers, issuers: issuers, validationTime: validationTime)
    }

    /// Whether `chain`'s last certificate is a trust anchor or is signed by one.
    private func isTrusted(_ chain: [SigningCertificate]) -> Bool {
        guard let last = chain.last else { return false }
        return trustAnchors.contains { $0.der == last.der || last.isIssued(by: $0) }
    }

    /// `c2pa.hash.data` (C2PA 18.5): the hash of every file byte outside the exclusions (sorted, not overlapping,
    /// inside the file).
    static func checkDataHash(_ c: CBOR, file: [UInt8], defaultAlgorithm: String) -> (String, C2PAStatus.Kind, String) {
        guard let expected = c["hash"]?.byteString else { return ("assertion.dataHash.malformed", .failure, "no hash") }
        var ranges: [Range<Int>] = []
        for e in c["exclusions"]?.items ?? [] {
            guard let start = e["start"]?.int, let length = e["length"]?.int, start >= 0, length >= 0, start <= file.count - length else {
                return ("assertion.dataHash.malformed", .failure, "exclusion outside the file")
            }
            if let last = ranges.last, start < last.upperBound { return ("assertion.dataHash.malformed", .failure, "exclusions overlap or are unsorted") }
            ranges.append(start..<(start + length))
        }
        var parts: [ArraySlice<UInt8>] = []
        var at = 0
        for r in ranges { parts.append(file[at..<r.lowerBound]); at = r.upperBound }
        parts.append(file[at...])
        let algorithm = c["alg"]?.string ?? defaultAlgorithm
        guard let digest = hash(algorithm, parts) else { return ("algorithm.unsupported", .failure, "hash algorithm \(algorithm)") }
        return digest == expected ? ("assertion.dataHash.match", .success, "asset bytes match the signed hash (\(algorithm))")
            : ("assertion.dataHash.mismatch", .failure, "asset bytes do not match the signed hash (\(algorithm)): the file changed after signing")
    }

    /// SHA-256/384/512 of `parts` in order; nil for another algorithm.
    static func hash(_ algorithm: String, _ parts: [ArraySlice<UInt8>]) -> [UInt8]? {
        func run<H: HashFunction>(_ h: H) -> [UInt8] {
            var h = h
            for p in parts { h.update(data: p) }
            return Array(h.finalize())
        }
        switch algorithm {
        case "sha256": return run(SHA256())
        case "sha384": return run(SHA384())
        case "sha512": return run(SHA512())
        default: return nil
        }
    }

    static func day(_ d: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withFullDate]
        return f.string(from: d)
    }
}
