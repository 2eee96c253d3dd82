import Foundation
import Imaging

/// What a file's Content Credentials (C2PA) say, as evidence lines for a verdict.
///
/// The rule (README, MODEL_CARD.md): a claim counts only from a manifest that `C2PAReport.isAuthentic` accepts (claim
/// signature valid with the certificate in the manifest, chain signatures holding, assertion hashes and the asset's
/// hard binding matching). Then a `digitalSourceType` of trained or algorithmic media, in the active manifest or in an
/// ingredient's, is `.aiGenerated` (the verdict becomes FAKE, reason "content credentials"), and a capture claim
/// (`digitalCapture`) is `.camera`. An expired or untrusted signer certificate is reported in the line but does not
/// void the claim: a signed statement that an image is AI-made is one nobody gains by forging, short of holding the
/// signer's key. A broken manifest (signature or hash mismatch) is reported as broken and never counts.
public enum ContentCredentials {
    /// Digital source types (IPTC) that mean the pixels were generated.
    static let generatedTypes = ["trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia", "algorithmicMedia",
                                 "compositeSynthetic", "trainedAlgorithmicData"]

    /// Evidence from `data`'s manifest store: nil when the file carries none; one line when the store cannot be read.
    public static func evidence(_ data: Data, validator: C2PAValidator = C2PAValidator()) -> [Evidence]? {
        let bytes = [UInt8](data)
        let report: C2PAReport
        do {
            guard let r = try validator.validate(file: bytes) else { return nil }
            report = r
        } catch {
            return [line("manifest present but unreadable (\(error)); not counted", .provenance)]
        }
        return [evidence(report)]
    }

    /// The one evidence line for a validated store.
    public static func evidence(_ report: C2PAReport) -> Evidence {
        guard let active = report.store.active else {
            return line("empty manifest store; not counted", .provenance)
        }
        let generator = active.claim.generator.map { "claim generator \($0)" }
        let signer = signerText(report, active.label)
        let binding = report.statuses.first { $0.manifest == active.label && $0.code.hasPrefix("assertion.dataHash") }
        let hashText = binding?.code == "assertion.dataHash.match" ? "asset hash matches" : binding.map { "asset hash: \($0.code)" }
        if !report.isAuthentic(active.label) {
            let broken = report.failures.filter { $0 != "signingCredential.untrusted" && $0 != "signingCredential.expired" }
            return line("manifest BROKEN (\(broken.joined(separator: ", "))): " +
                                ([generator, signer].compactMap { $0 }.joined(separator: ", ")) + "; not counted as evidence",
                            .provenance)
        }
        // Claims from every authentic manifest, the asset's own first.
        for manifest in report.store.manifests.reversed() where report.isAuthentic(manifest.label) {
            let actions = manifest.actions
            let agents = actions.compactMap(\.softwareAgent)
            for action in actions {
                guard let type = action.sourceTypeName else { continue }
                let by = agents.isEmpty ? "" : " by \"\(agents[0])\"" + (agents.count > 1 ? " (\(agents.dropFirst().joined(separator: ", ")))" : "")
                let whose = manifest.label == active.label ? "" : " (in the ingredient's manifest)"
                let text = "\(type)\(by)\(whose), " + [generator, signer, hashText].compactMap { $0 }.joined(separator: ", ")
                if generatedTypes.contains(type) { return line(text, .aiGenerated) }
                if type == "digitalCapture" { return line("capture claim: " + text, .camera) }
            }
        }
        return line("valid manifest, no claim of how the image was made: " +
                            [generator, signer, hashText].compactMap { $0 }.joined(separator: ", "), .provenance)
    }

    /// A `c2pa` evidence line (up to 600 characters: the claim, the signer and the checks).
    private static func line(_ value: String, _ indicates: Evidence.Indication) -> Evidence {
        Evidence(source: "c2pa", value: value, indicates: indicates, limit: 600)
    }

    /// "signed by OpenAI (Truepic Lens CLI in ChatGPT; certificate expired 2026-01-13; issuer not on a trust list)".
    static func signerText(_ report: C2PAReport, _ label: String) -> String? {
        guard let leaf = report.signers[label] else { return nil }
        let name = leaf.subjectOrganization ?? leaf.subjectCommonName ?? "an unnamed signer"
        var notes: [String] = []
        if let cn = leaf.subjectCommonName, cn != name { notes.append(cn) }
        let own = report.statuses.filter { $0.manifest == label }
        if own.contains(where: { $0.code == "signingCredential.expired" }) {
            notes.append(report.validationTime > leaf.notAfter ? "certificate expired \(C2PAValidator.day(leaf.notAfter))"
                         : "a chain certificate outside its validity")
        }
        notes.append(own.contains { $0.code == "signingCredential.trusted" } ? "chain valid, on the trust list"
                     : own.contains { $0.code == "signingCredential.invalid" } ? "chain broken" : "chain valid, not on a trust list")
        return "signed by \(name) (\(notes.joined(separator: "; ")))"
    }
}
