import Foundation
import FuzzSupport
import Provenance

/// The Content Credentials readers (issue #35): the first byte chooses what the rest is: 0 a CBOR item, 1 a JUMBF
/// manifest store (parsed, then every manifest's COSE signature and certificates read), 2 a file validated as a whole
/// (JPEG APP11, PNG caBX or WebP C2PA chunk; hashes and signatures checked at a fixed date).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = [UInt8](fuzzData(bytes, count))
    guard let first = input.first else { return 0 }
    let body = Array(input.dropFirst())
    switch first % 3 {
    case 0:
        _ = try? CBOR.decode(body).encoded
    case 1:
        if let store = try? C2PAManifestStore(bytes: body) {
            for m in store.manifests {
                guard let cose = try? COSESign1(m.signatureBytes) else { continue }
                let chain = cose.certificateChain.compactMap { try? SigningCertificate(der: $0) }
                if let leaf = chain.first {
                    _ = cose.isValid(payload: m.claimBytes, publicKey: leaf.publicKeyInfo)
                    _ = chain.dropFirst().first.map { leaf.isIssued(by: $0) }
                }
                for ref in m.claim.assertionReferences { _ = store.box(at: ref.url, in: m) }
                _ = m.actions
            }
        }
    default:
        let validator = C2PAValidator(validationTime: Date(timeIntervalSince1970: 1_765_000_000))
        if let report = try? validator.validate(file: body) { _ = ContentCredentials.evidence(report) }
    }
    return 0
}

@_cdecl("FuzzC2PA_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv) { fuzz($0, $1) }
}
