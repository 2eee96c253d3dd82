import Foundation

/// A COSE_Sign1 structure (RFC 9052 section 4.2) as C2PA signs claims with it (C2PA 2.2 section 10.3.2.4): tag 18,
/// `[protected: bstr(map), unprotected: map, payload: nil (detached: the claim), signature: bstr]`.
public struct COSESign1: Sendable {
    /// The protected header's bytes as stored (the signature covers exactly these).
    public let protectedBytes: [UInt8]
    /// The protected header decoded (an empty map when its bytes are empty).
    public let protectedHeader: CBOR
    /// The unprotected header map (the certificate chain, label 33 or `"x5chain"`, may be here or in the protected header).
    public let unprotectedHeader: CBOR
    /// The signature bytes (for ECDSA, r and s concatenated as COSE specifies).
    public let signature: [UInt8]

    /// Signature algorithms C2PA allows (COSE values, C2PA 13.2.1).
    public enum Algorithm: Int, Sendable, CaseIterable {
        /// ECDSA with SHA-256/384/512 (-7, -35, -36), RSASSA-PSS with SHA-256/384/512 (-37, -38, -39), and Ed25519 (-8, COSE's EdDSA).
        case es256 = -7, es384 = -35, es512 = -36, ps256 = -37, ps384 = -38, ps512 = -39, ed25519 = -8
        /// The JOSE/COSE name, e.g. `ES256`, `PS256`, `Ed25519`.
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
        let scheme: SignatureScheme
        switch algorithm {
        case .es256: scheme = .ecdsa(.sha256, der: false)
        case .es384: scheme = .ecdsa(.sha384, der: false)
        case .es512: scheme = .ecdsa(.sha512, der: false)
        case .ps256: scheme = .rsa(.sha256, pss: true, minimumBits: 2048)
        case .ps384: scheme = .rsa(.sha384, pss: true, minimumBits: 2048)
        case .ps512: scheme = .rsa(.sha512, pss: true, minimumBits: 2048)
        case .ed25519: scheme = .ed25519
        }
        return scheme.isValid(signature, over: signedBytes(payload: payload), key: spki)
    }
}
