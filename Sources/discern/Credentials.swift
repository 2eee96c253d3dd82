import ArgumentParser
import Foundation
import Imaging
import Provenance

/// `discern credentials`: prints and checks the Content Credentials (C2PA manifests) of files.
struct Credentials: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print and verify the Content Credentials (C2PA manifests) of image files.",
        discussion: """
            For each FILE (JPEG APP11, PNG caBX, WebP C2PA chunk): every manifest of the store (the active one, the \
            asset's own, last), its claim generator, signer and certificate dates, assertions and actions, and the \
            validation results named as C2PA's status codes: claimSignature.validated / .mismatch, \
            signingCredential.trusted / .untrusted / .expired / .invalid, assertion.hashedURI.match / .mismatch, \
            assertion.dataHash.match / .mismatch. The state is Invalid when anything failed other than an untrusted \
            signer, Trusted when the signer chains to a --c2pa-trust root, else Valid. The last line is the evidence \
            classify would use. Not checked: time-stamps (validity is judged at --at, default now), OCSP, key-usage policy.
            Exit status: 0 all read (with or without credentials), 1 some file unreadable or its store malformed.
            """)

    @Argument(help: "Image files.")
    var files: [String]

    @Option(help: "Output: tree (readable) or json (one object per file and line).")
    var format: Format = .tree

    @OptionGroup var trust: C2PATrustOptions

    @Option(help: "Judge certificate validity at this date (YYYY-MM-DD) instead of now.")
    var at: String?

    enum Format: String, ExpressibleByArgument, CaseIterable { case tree, json }

    func validate() throws {
        if let at, Self.date(at) == nil { throw ValidationError("--at must be a date like 2026-01-31, not '\(at)'") }
    }

    static func date(_ s: String) -> Date? { ISO8601DateFormatter().date(from: s + "T00:00:00Z") }

    func run() throws {
        let validator = C2PAValidator(trustAnchors: try trust.anchors(), validationTime: at.flatMap(Self.date))
        var failed = 0
        for path in files {
            do {
                let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
                let report = try validator.validate(file: bytes)
                print(format == .json ? try json(path, report) : tree(path, report))
            } catch {
                failed += 1
                FileHandle.standardError.write(Data("discern: \(path): \(error)\n".utf8))
            }
        }
        if failed > 0 { throw ExitCode(1) }
    }

    private func tree(_ path: String, _ report: C2PAReport?) -> String {
        guard let report else { return "\(path): no Content Credentials" }
        var lines = ["\(path): C2PA manifest store, \(report.store.manifests.count) manifest(s); state \(report.state.rawValue)"
                     + (report.failures.isEmpty ? "" : " (failures: \(report.failures.joined(separator: ", ")))")]
        for m in report.store.manifests {
            lines.append("  manifest \(m.label)" + (m.label == report.store.active?.label ? " (active)" : " (ingredient)"))
            lines.append("    claim v\(m.claim.version)" + (m.claim.generator.map { ", generator \($0)" } ?? "") + (m.claim.title.map { ", title \($0)" } ?? ""))
            if let s = report.signers[m.label] {
                let alg = (try? COSESign1(m.signatureBytes))?.algorithm?.name ?? "?"
                let issuer = report.issuers[m.label].map { $0.subjectCommonName ?? "?" } ?? (SigningCertificate.attribute(.RDNAttributeType.commonName, of: s.issuer) ?? "?")
                lines.append("    signed by \(s.subjectOrganization ?? "?") (\(s.subjectCommonName ?? "?")), issuer \(issuer), \(alg), "
                             + "certificate valid \(day(s.notBefore)) to \(day(s.notAfter))")
            }
            lines.append("    assertions: " + m.assertions.map(\.label).joined(separator: ", "))
            for i in m.ingredients {
                lines.append("    ingredient \(i.title ?? "untitled") (\(i.relationship ?? "?"))" + (i.manifestURI.map { ", its manifest \($0)" } ?? ", no manifest of its own"))
            }
            for a in m.actions {
                let detail = [a.sourceTypeName, a.softwareAgent].compactMap { $0 }.joined(separator: ", ")
                lines.append("    action \(a.action)" + (detail.isEmpty ? "" : " (\(detail))"))
            }
            for s in report.statuses where s.manifest == m.label {
                lines.append("    \(s.kind == .failure ? "FAIL" : s.kind == .success ? "ok  " : "info") \(s.code): \(s.explanation)")
            }
        }
        let e = ContentCredentials.evidence(report)
        lines.append("  evidence (\(e.indicates.rawValue)): \(e.value)")
        return lines.joined(separator: "\n")
    }

    private func json(_ path: String, _ report: C2PAReport?) throws -> String {
        var obj: [String: Any] = ["path": path]
        if let report {
            obj["active_manifest"] = report.store.active?.label as Any? ?? NSNull()
            obj["state"] = report.state.rawValue
            obj["failures"] = report.failures
            obj["manifests"] = report.store.manifests.map { m -> [String: Any] in
                var o: [String: Any] = ["label": m.label, "claim_version": m.claim.version, "claim_generator": m.claim.generator as Any? ?? NSNull(),
                                        "assertions": m.assertions.map(\.label),
                                        "ingredients": m.ingredients.map { ["title": $0.title as Any? ?? NSNull(), "relationship": $0.relationship as Any? ?? NSNull(),
                                                                            "manifest": $0.manifestURI as Any? ?? NSNull()] as [String: Any] },
                                        "actions": m.actions.map { ["action": $0.action, "digitalSourceType": $0.digitalSourceType as Any? ?? NSNull(),
                                                                    "softwareAgent": $0.softwareAgent as Any? ?? NSNull()] as [String: Any] },
                                        "statuses": report.statuses.filter { $0.manifest == m.label }.map {
                                            ["code": $0.code, "kind": $0.kind.rawValue, "url": $0.url, "explanation": $0.explanation]
                                        }]
                if let s = report.signers[m.label] {
                    o["signer"] = ["organization": s.subjectOrganization as Any? ?? NSNull(), "common_name": s.subjectCommonName as Any? ?? NSNull(),
                                   "not_before": day(s.notBefore), "not_after": day(s.notAfter)] as [String: Any]
                    o["algorithm"] = (try? COSESign1(m.signatureBytes))?.algorithm?.name as Any? ?? NSNull()
                }
                return o
            }
            let e = ContentCredentials.evidence(report)
            obj["evidence"] = ["indicates": e.indicates.rawValue, "value": e.value]
        } else {
            obj["active_manifest"] = NSNull()
        }
        return String(decoding: try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys]), as: UTF8.self)
    }

    private func day(_ d: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withFullDate]
        return f.string(from: d)
    }
}
