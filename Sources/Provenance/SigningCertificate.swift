import Foundation
import SwiftASN1
import X509

/// One X.509 certificate of a C2PA signer's chain, with what validation needs (RFC 5280 section 4.1).
///
/// Read with swift-asn1 and swift-certificates' `DistinguishedName`, not with `X509.Certificate`: swift-certificates
/// 1.21.1 rejects RSASSA-PSS keys and signatures, which the C2PA test certificates use. Signatures are checked with
/// swift-crypto (`issuedBy`).
public struct SigningCertificate: Sendable {
    /// The whole certificate, DER-encoded, as given.
    public let der: [UInt8]
    /// The signed part (tbsCertificate), as encoded.
    public let tbs: [UInt8]
    /// Whom the certificate names.
    public let subject: DistinguishedName
    /// Who signed the certificate.
    public let issuer: DistinguishedName
    /// The start of the validity period.
    public let notBefore: Date
    /// The end of the validity period.
    public let notAfter: Date
    /// SubjectPublicKeyInfo, DER.
    public let publicKeyInfo: [UInt8]
    /// The issuer's signature algorithm (OID, dotted) and its parameters (DER, empty when absent).
    public let signatureAlgorithm: String
    let signatureParameters: [UInt8]
    /// The issuer's signature over `tbs` (the BIT STRING's bytes).
    public let signature: [UInt8]

    /// Parses DER; throws `C2PAError.malformed` for anything else.
    public init(der: [UInt8]) throws {
        self.der = der
        do {
            let root = try DER.parse(der)
            let top = Self.children(root)
            guard top.count == 3 else { throw C2PAError.malformed("certificate: not three parts") }
            tbs = Array(top[0].encodedBytes)
            var fields = Self.children(top[0])
            if fields.first?.identifier.tagClass == .contextSpecific { fields.removeFirst() }   // [0] version
            guard fields.count >= 6 else { throw C2PAError.malformed("certificate: short tbsCertificate") }
            issuer = try DistinguishedName(derEncoded: fields[2])
            let validity = Self.children(fields[3])
            guard validity.count == 2 else { throw C2PAError.malformed("certificate: bad validity") }
            notBefore = try Self.date(validity[0])
            notAfter = try Self.date(validity[1])
            subject = try DistinguishedName(derEncoded: fields[4])
            publicKeyInfo = Array(fields[5].encodedBytes)
            let algorithm = Self.children(top[1])
            guard let oid = algorithm.first else { throw C2PAError.malformed("certificate: no signature algorithm") }
            signatureAlgorithm = try ASN1ObjectIdentifier(derEncoded: oid).description
            signatureParameters = algorithm.count > 1 ? Array(algorithm[1].encodedBytes) : []
            let bits = try ASN1BitString(derEncoded: top[2])
            signature = Array(bits.bytes)
        } catch let error as C2PAError {
            throw error
        } catch {
            throw C2PAError.malformed("certificate: \(error)")
        }
    }

    /// The first value of attribute `type` (e.g. organisation name 2.5.4.10) in `name`.
    public static func attribute(_ type: ASN1ObjectIdentifier, of name: DistinguishedName) -> String? {
        for rdn in name { for a in rdn where a.type == type { return "\(a.value)" } }
        return nil
    }

    /// The subject's organisation (O), if it has one.
    public var subjectOrganization: String? { Self.attribute(.RDNAttributeType.organizationName, of: subject) }
    /// The subject's common name (CN), if it has one.
    public var subjectCommonName: String? { Self.attribute(.RDNAttributeType.commonName, of: subject) }

    /// Whether `issuer`'s key made this certificate's signature (ECDSA, RSA PKCS #1 v1.5, RSASSA-PSS or Ed25519).
    public func isIssued(by issuer: SigningCertificate) -> Bool {
        let scheme: SignatureScheme
        switch signatureAlgorithm {
        case "1.2.840.10045.4.3.2": scheme = .ecdsa(.sha256, der: true)   // ecdsa-with-SHA256
        case "1.2.840.10045.4.3.3": scheme = .ecdsa(.sha384, der: true)
        case "1.2.840.10045.4.3.4": scheme = .ecdsa(.sha512, der: true)
        case "1.2.840.113549.1.1.11": scheme = .rsa(.sha256, pss: false, minimumBits: 0)   // sha256WithRSAEncryption
        case "1.2.840.113549.1.1.12": scheme = .rsa(.sha384, pss: false, minimumBits: 0)
        case "1.2.840.113549.1.1.13": scheme = .rsa(.sha512, pss: false, minimumBits: 0)
        case "1.2.840.113549.1.1.10":   // RSASSA-PSS: the hash is in the parameters; salt = hash length (swift-crypto's PSS)
            switch pssHash {
            case "2.16.840.1.101.3.4.2.1": scheme = .rsa(.sha256, pss: true, minimumBits: 0)
            case "2.16.840.1.101.3.4.2.2": scheme = .rsa(.sha384, pss: true, minimumBits: 0)
            case "2.16.840.1.101.3.4.2.3": scheme = .rsa(.sha512, pss: true, minimumBits: 0)
            default: return false
            }
        case "1.3.101.112": scheme = .ed25519
        default: return false
        }
        return scheme.isValid(signature, over: tbs, key: issuer.publicKeyInfo)
    }

    /// The hash OID of RSASSA-PSS parameters (`[0] hashAlgorithm`; SHA-1 when absent, which is not accepted).
    private var pssHash: String? {
        guard !signatureParameters.isEmpty, let params = try? DER.parse(signatureParameters) else { return nil }
        for field in Self.children(params) where field.identifier.tagClass == .contextSpecific && field.identifier.tagNumber == 0 {
            guard let algorithm = Self.children(field).first, let oid = Self.children(algorithm).first else { return nil }
            return (try? ASN1ObjectIdentifier(derEncoded: oid))?.description
        }
        return nil
    }

    static func children(_ node: ASN1Node) -> [ASN1Node] {
        if case let .constructed(nodes) = node.content { return Array(nodes) }
        return []
    }

    private static func date(_ node: ASN1Node) throws -> Date {
        var c = DateComponents()
        c.timeZone = TimeZone(identifier: "UTC")
        if node.identifier == .utcTime {
            let t = try UTCTime(derEncoded: node)
            (c.year, c.month, c.day, c.hour, c.minute, c.second) = (t.year, t.month, t.day, t.hours, t.minutes, t.seconds)
        } else {
            let t = try GeneralizedTime(derEncoded: node)
            (c.year, c.month, c.day, c.hour, c.minute, c.second) = (t.year, t.month, t.day, t.hours, t.minutes, t.seconds)
        }
        guard let d = Calendar(identifier: .gregorian).date(from: c) else { throw C2PAError.malformed("certificate: bad time") }
        return d
    }
}
