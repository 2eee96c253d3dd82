import _CryptoExtras
import Crypto
import Foundation

/// A public-key signature check on swift-crypto, shared by COSE claim signatures (`COSESign1`) and certificate
/// signatures (`SigningCertificate`): the scheme names the hash, the padding and how an ECDSA signature is encoded.
enum SignatureScheme {
    enum Hash { case sha256, sha384, sha512 }
    /// ECDSA on P-256, P-384 or P-521 (whichever the key is on) with `hash`; `der` signatures (X.509) or raw r || s (COSE).
    case ecdsa(Hash, der: Bool)
    /// RSA with PKCS #1 v1.5 or PSS padding (salt = hash length) and keys of at least `minimumBits`.
    case rsa(Hash, pss: Bool, minimumBits: Int)
    case ed25519

    /// Whether `signature` over `data` verifies under `spki` (a SubjectPublicKeyInfo, DER).
    func isValid(_ signature: [UInt8], over data: [UInt8], key spki: [UInt8]) -> Bool {
        switch self {
        case let .ecdsa(hash, der):
            let digest = Self.digest(hash, data)
            if let k = try? P256.Signing.PublicKey(derRepresentation: spki) {
                guard let s = try? (der ? P256.Signing.ECDSASignature(derRepresentation: signature) : P256.Signing.ECDSASignature(rawRepresentation: signature)) else { return false }
                return k.isValidSignature(s, for: digest)
            }
            if let k = try? P384.Signing.PublicKey(derRepresentation: spki) {
                guard let s = try? (der ? P384.Signing.ECDSASignature(derRepresentation: signature) : P384.Signing.ECDSASignature(rawRepresentation: signature)) else { return false }
                return k.isValidSignature(s, for: digest)
            }
            if let k = try? P521.Signing.PublicKey(derRepresentation: spki) {
                guard let s = try? (der ? P521.Signing.ECDSASignature(derRepresentation: signature) : P521.Signing.ECDSASignature(rawRepresentation: signature)) else { return false }
                return k.isValidSignature(s, for: digest)
            }
            return false
        case let .rsa(hash, pss, minimumBits):
            guard let k = try? _RSA.Signing.PublicKey(derRepresentation: spki), k.keySizeInBits >= minimumBits else { return false }
            return k.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: Self.digest(hash, data),
                                      padding: pss ? .PSS : .insecurePKCS1v1_5)
        case .ed25519:
            // An Ed25519 SubjectPublicKeyInfo is 12 bytes of header and the 32-byte key.
            guard spki.count == 44, let k = try? Curve25519.Signing.PublicKey(rawRepresentation: spki.suffix(32)) else { return false }
            return k.isValidSignature(signature, for: data)
        }
    }

    private static func digest(_ hash: Hash, _ data: [UInt8]) -> any Digest {
        switch hash {
        case .sha256: return SHA256.hash(data: data)
        case .sha384: return SHA384.hash(data: data)
        case .sha512: return SHA512.hash(data: data)
        }
    }
}
