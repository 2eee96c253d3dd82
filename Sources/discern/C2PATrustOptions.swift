import ArgumentParser
import Foundation
import Provenance

/// `--c2pa-trust` of the commands that verify Content Credentials (`classify`, `serve`, `credentials`): the trusted
/// C2PA signing roots.
struct C2PATrustOptions: ParsableArguments {
    @Option(help: "PEM file of trusted C2PA signing roots (without it: \"not on a trust list\").")
    var c2paTrust: String?

    func validate() throws {
        if let c2paTrust, !FileManager.default.fileExists(atPath: c2paTrust) { throw ValidationError("\(c2paTrust): no such trust list") }
    }

    /// The roots in the file (none without `--c2pa-trust`); a file that is not PEM certificates is a usage error.
    func anchors() throws -> [SigningCertificate] {
        do { return try c2paTrust.map { try C2PAValidator.trustAnchors(pem: URL(fileURLWithPath: $0)) } ?? [] } catch {
            throw ValidationError("--c2pa-trust: \(error)")
        }
    }
}
