import Foundation

/// A DSSE envelope (https://github.com/secure-systems-lab/dsse/blob/master/envelope.md).
/// `payload` and each `sig` are standard base64 (with padding), as the spec's JSON form.
package struct DSSEEnvelope: Codable, Hashable, Sendable {
    package var payload: String
    package var payloadType: String
    package var signatures: [Signature]

    package struct Signature: Codable, Hashable, Sendable {
        /// Hex SHA-256 of the signer's DER SubjectPublicKeyInfo.
        package var keyid: String
        /// Base64 Ed25519 signature of ``DSSEEnvelope/pae(payloadType:payload:)``.
        package var sig: String
        package init(keyid: String, sig: String) {
            self.keyid = keyid
            self.sig = sig
        }
    }

    package init(payload: Data, payloadType: String, signatures: [Signature]) {
        self.payload = payload.base64EncodedString()
        self.payloadType = payloadType
        self.signatures = signatures
    }

    /// The DSSE v1 pre-authentication encoding: `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`,
    /// lengths as ASCII decimal byte counts. This is what is signed, never the JSON.
    package static func pae(payloadType: String, payload: Data) -> Data {
        let type = Data(payloadType.utf8)
        var out = Data("DSSEv1 \(type.count) ".utf8)
        out.append(type)
        out.append(Data(" \(payload.count) ".utf8))
        out.append(payload)
        return out
    }

    /// The decoded payload, nil when `payload` is not valid base64.
    package var payloadBytes: Data? { Data(base64Encoded: payload) }
}
