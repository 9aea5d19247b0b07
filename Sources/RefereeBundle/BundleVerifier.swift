import Foundation
import RefereeCore
import RefereeAudit
import RefereeCrypto

/// Verifies a signed record folder. Checks run in this order and stop at the first failure:
/// the signature (key id, then Ed25519 over the DSSE PAE); the payload type and statement;
/// every subject path is safe and stays inside the folder; every subject exists with its
/// digest; no file is unlisted; the re-run audit matches the signed verdicts.
package struct BundleVerifier: Sendable {
    /// The signers the caller trusts (`--key`, repeatable, or `--keys DIR`): the bundle must be
    /// signed by one of them. When empty the record's own `referee.pub.pem` is used, which
    /// detects tampering but not a re-signed record (an integrity-only check: the report's
    /// `keyPinned` is false).
    package var trustedKeys: [Ed25519PublicKey]
    package var audit: AuditProvider

    /// The first trusted key (the one-key form of ``trustedKeys``).
    package var trustedKey: Ed25519PublicKey? {
        get { trustedKeys.first }
        set { trustedKeys = newValue.map { [$0] } ?? [] }
    }

    package init(trustedKey: Ed25519PublicKey?, audit: @escaping AuditProvider) {
        self.init(trustedKeys: trustedKey.map { [$0] } ?? [], audit: audit)
    }

    /// An allow-list of signers: the envelope's key id picks the key among `trustedKeys`.
    package init(trustedKeys: [Ed25519PublicKey], audit: @escaping AuditProvider) {
        self.trustedKeys = trustedKeys
        self.audit = audit
    }

    /// Verifies `record`. Throws ``BundleError`` only when `record` is not a readable folder;
    /// every verification failure is in the report.
    package func verify(_ record: URL) throws(BundleError) -> VerificationReport {
        try requireDirectory(record)
        var report = VerificationReport(record: record.path, keyID: nil, keyPinned: !trustedKeys.isEmpty, statement: nil, failure: nil)
        do {
            let envelope = try readEnvelope(record)
            let key = try verifyingKey(record, envelope: envelope)
            let keyID = try Self.keyID(of: key)
            report.keyID = keyID
            let payload = try checkSignature(envelope, key: key, keyID: keyID)
            let statement = try Self.parseStatement(envelope, payload: payload)
            report.statement = statement
            // One read of the folder: the digests checked and the bytes re-audited are the same.
            let snapshot = try SubjectCheck(record: record, subjects: statement.subject).run()
            try AuditComparison(signed: statement.predicate.audit).run(audit, on: snapshot)
        } catch {
            report.failure = error
        }
        return report
    }

    private func readEnvelope(_ record: URL) throws(VerificationFailure) -> DSSEEnvelope {
        let url = record.appendingPathComponent(BundleLayout.bundleFileName)
        var info = stat()
        guard lstat(url.path, &info) == 0 else { throw .bundleMissing }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .envelopeMalformed(reason: "not a regular file") }
        let data: Data
        do {
            data = try EvidenceFile.readAll(url)
        } catch {
            throw .envelopeMalformed(reason: error.description)
        }
        return try Self.decodeEnvelope(data)
    }

    /// The envelope in `data` (the bytes of referee.bundle.json): refused when the JSON is
    /// ambiguous (a duplicate key) or is not an envelope.
    static func decodeEnvelope(_ data: Data) throws(VerificationFailure) -> DSSEEnvelope {
        if let problem = StrictJSON.check(data) {
            throw .envelopeMalformed(reason: "\(BundleLayout.bundleFileName) \(problem.description)")
        }
        do {
            return try JSONDecoder().decode(DSSEEnvelope.self, from: data)
        } catch let error as DecodingError {
            throw .envelopeMalformed(reason: Self.describe(error))
        } catch {
            throw .envelopeMalformed(reason: error.localizedDescription)
        }
    }

    private func verifyingKey(_ record: URL, envelope: DSSEEnvelope) throws(VerificationFailure) -> Ed25519PublicKey {
        if !trustedKeys.isEmpty {
            // The trusted key the envelope names; else the first (the signature check then
            // reports that the bundle was signed by another key).
            let named = Set(envelope.signatures.map(\.keyid))
            for key in trustedKeys where named.contains((try? key.keyID()) ?? "") { return key }
            return trustedKeys[0]
        }
        let url = record.appendingPathComponent(BundleLayout.publicKeyFileName)
        guard FileManager.default.fileExists(atPath: url.path) else { throw .publicKeyMissing }
        do {
            return try Ed25519PublicKey(contentsOf: url)
        } catch {
            throw .publicKeyMalformed(reason: error.description)
        }
    }

    private static func keyID(of key: Ed25519PublicKey) throws(VerificationFailure) -> String {
        do {
            return try key.keyID()
        } catch {
            throw .publicKeyMalformed(reason: error.description)
        }
    }

    /// Returns the decoded payload once a signature by `key` verifies over its PAE.
    private func checkSignature(_ envelope: DSSEEnvelope, key: Ed25519PublicKey, keyID: String) throws(VerificationFailure) -> Data {
        guard let payload = envelope.payloadBytes else { throw .envelopeMalformed(reason: "payload is not valid base64") }
        let candidates = envelope.signatures.filter { $0.keyid == keyID || $0.keyid.isEmpty }
        guard !candidates.isEmpty else {
            let expected = trustedKeys.count > 1 ? trustedKeys.map { (try? $0.keyID()) ?? "?" }.joined(separator: " or ") : keyID
            throw .signedByAnotherKey(expected: expected, found: envelope.signatures.map(\.keyid))
        }
        let pae = DSSEEnvelope.pae(payloadType: envelope.payloadType, payload: payload)
        for candidate in candidates {
            if let sig = Data(base64Encoded: candidate.sig), key.isValidSignature(sig, for: pae) {
                return payload
            }
        }
        throw .badSignature(keyID: keyID)
    }

    static func parseStatement(_ envelope: DSSEEnvelope, payload: Data) throws(VerificationFailure) -> InTotoStatement {
        guard envelope.payloadType == BundleLayout.payloadType else { throw .wrongPayloadType(envelope.payloadType) }
        let statement: InTotoStatement
        if let canonical = StatementJSON.decodeCanonical(payload) {
            // The shape `sign` writes: the subjects read directly, the predicate checked and
            // decoded as below (the same value as the general path, tested).
            statement = canonical
        } else {
            if let problem = StrictJSON.check(payload) {
                throw .payloadNotStatement(reason: "payload \(problem.description)")
            }
            do {
                statement = try JSONDecoder().decode(InTotoStatement.self, from: payload)
            } catch let error as DecodingError {
                throw .payloadNotStatement(reason: describe(error))
            } catch {
                throw .payloadNotStatement(reason: error.localizedDescription)
            }
        }
        guard statement.type == BundleLayout.statementType else {
            throw .payloadNotStatement(reason: "_type is '\(statement.type)', expected '\(BundleLayout.statementType)'")
        }
        guard statement.predicateType == BundleLayout.predicateType else {
            throw .payloadNotStatement(reason: "predicateType is '\(statement.predicateType)'")
        }
        return statement
    }

    /// A one-line account of a JSON decoding error: the field path and what was expected.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "top level" : keys.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context)): missing field '\(key.stringValue)'"
        case .typeMismatch(let type, let context): return "\(path(context)): expected \(type)"
        case .valueNotFound(let type, let context): return "\(path(context)): expected \(type), found null"
        case .dataCorrupted(let context): return "\(path(context)): \(context.debugDescription)"
        @unknown default: return String(describing: error)
        }
    }
}
