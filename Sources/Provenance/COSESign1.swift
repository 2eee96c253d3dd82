import _CryptoExtras
import Crypto
import Foundation

/// A COSE_Sign1 structure (RFC 9052 section 4.2) as C2PA signs claims with it (C2PA 2.2 section 10.3.2.4): tag 18,
/// `[protected: bstr(map), unprotected: map, payload: nil (detached: the claim), signature: bstr]`.
public struct COSESign1: Sendable {
    /// The protected header's bytes as stored (the signature covers exactly these).
    public let protectedBytes: [UInt8]
    public let protectedHeader: CBOR
    public let unprotectedHeader: CBOR
    public let signature: [UInt8]

    /// Signature algorithms C2PA allows (COSE values, C2PA 13.2.1).
    public enum Algorithm: Int, Sendable, CaseIterable {
        case es256 = -7, es384 = -35, es512 = -36, ps256 = -37, ps384 = -38, ps512 = -39, ed25519 = -8
        public var name: String {
            switch self {
            case .es256: return "ES256"
            case .es384: return "ES384"
            case .es512: return "ES512"
            case .ps256: return "PS256"
            case .ps384: return "PS384"
            case .ps512: return "PS512"
            case .ed25519: return "Ed25519"
            }
        }
    }

    /// Parses the bytes of a C2PA signature box's `cbor` content.
    public init(_ bytes: [UInt8]) throws {
        var item = try CBOR.decode(bytes)
        if case let .tagged(tag, inner) = item {
            guard tag == 18 else { throw C2PAError.malformed("COSE: tag \(tag), not 18 (COSE_Sign1)") }
            item = inner
        }
        guard let parts = item.items, parts.count == 4, let protectedBytes = parts[0].byteString, let signature = parts[3].byteString else {
            throw C2PAError.malformed("COSE: not a COSE_Sign1 array")
        }
        guard case .map = parts[1] else { throw C2PAError.malformed("COSE: unprotected header is not a map") }
        self.protectedBytes = protectedBytes
        protectedHeader = protectedBytes.isEmpty ? .map([]) : try CBOR.decode(protectedBytes)
        unprotectedHeader = parts[1]
        self.signature = signature
    }

    /// The algorithm of protected header label 1; nil when absent or not one C2PA allows.
    public var algorithm: Algorithm? { protectedHeader[int: 1]?.int.flatMap(Algorithm.init(rawValue:)) }

    /// The certificate chain (DER, leaf first) of header label 33 or, deprecated, "x5chain", protected header first.
    public var certificateChain: [[UInt8]] {
        for header in [protectedHeader, unprotectedHeader] {
            guard let value = header[int: 33] ?? header["x5chain"] else { continue }
            if let one = value.byteString { return [one] }
            return (value.items ?? []).compactMap(\.byteString)
        }
        return []
    }

    /// The bytes the signature signs for a detached `payload` (RFC 9052 section 4.4):
    /// `["Signature1", protected, h'', payload]`. `context` "CounterSignature" gives what a v1 C2PA time-stamp hashes.
    public func signedBytes(payload: [UInt8], context: String = "Signature1") -> [UInt8] {
        CBOR.array([.text(context), .bytes(protectedBytes), .bytes([]), .bytes(payload)]).encoded
    }

    /// Whether `signature` is valid for `payload` under `publicKey` (a certificate's SubjectPublicKeyInfo, DER) with the
    /// header's algorithm. ECDSA signatures are raw r || s (RFC 9052 section 2.1); any ES algorithm accepts a key on
    /// P-256, P-384 or P-521 with the algorithm's own hash (C2PA 13.2.1).
    public func isValid(payload: [UInt8], publicKey spki: [UInt8]) -> Bool {
        guard let algorithm else { return false }
        let data = signedBytes(payload: payload)
        switch algorithm {
        case .es256, .es384, .es512:
            let digest: any Digest
            switch algorithm {
            case .es256: digest = SHA256.hash(data: data)
            case .es384: digest = SHA384.hash(data: data)
            default: digest = SHA512.hash(data: data)
            }
            if let key = try? P256.Signing.PublicKey(derRepresentation: spki), let s = try? P256.Signing.ECDSASignature(rawRepresentation: signature) {
                return key.isValidSignature(s, for: digest)
            }
            if let key = try? P384.Signing.PublicKey(derRepresentation: spki), let s = try? P384.Signing.ECDSASignature(rawRepresentation: signature) {
                return key.isValidSignature(s, for: digest)
            }
            if let key = try? P521.Signing.PublicKey(derRepresentation: spki), let s = try? P521.Signing.ECDSASignature(rawRepresentation: signature) {
                return key.isValidSignature(s, for: digest)
            }
            return false
        case .ps256, .ps384, .ps512:
            guard let key = try? _RSA.Signing.PublicKey(derRepresentation: spki), key.keySizeInBits >= 2048 else { return false }
            let s = _RSA.Signing.RSASignature(rawRepresentation: signature)
            switch algorithm {
            case .ps256: return key.isValidSignature(s, for: SHA256.hash(data: data), padding: .PSS)
            case .ps384: return key.isValidSignature(s, for: SHA384.hash(data: data), padding: .PSS)
            default: return key.isValidSignature(s, for: SHA512.hash(data: data), padding: .PSS)
            }
        case .ed25519:
            // An Ed25519 SubjectPublicKeyInfo is 12 bytes of header and the 32-byte key.
            guard spki.count == 44, let key = try? Curve25519.Signing.PublicKey(rawRepresentation: spki.suffix(32)) else { return false }
            return key.isValidSignature(signature, for: data)
        }
    }
}
