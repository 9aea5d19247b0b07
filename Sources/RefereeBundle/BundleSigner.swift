import Foundation
import RefereeAudit
import RefereeCore
import RefereeCrypto

/// Signs a record folder into `referee.bundle.json` + `referee.pub.pem`.
package struct BundleSigner: Sendable {
    package var key: Ed25519PrivateKey
    package var tool: RecordPredicate.Tool
    package var audit: AuditProvider

    /// - Parameters:
    ///   - key: the signing key.
    ///   - toolVersion: the Referee version recorded in the predicate.
    ///   - audit: runs the audit whose verdicts are signed.
    package init(key: Ed25519PrivateKey, toolVersion: String, audit: @escaping AuditProvider) {
        self.key = key
        self.tool = RecordPredicate.Tool(name: "referee", version: toolVersion)
        self.audit = audit
    }

    /// Builds the statement of `record` (every file hashed, the audit run, provenance read)
    /// without writing anything. The folder is read once (``RecordSnapshotReader``): the
    /// audit and the provenance are computed from the bytes hashed into the subjects.
    package func statement(for record: URL) throws(BundleError) -> InTotoStatement {
        try requireDirectory(record)
        let snapshot = try RecordSnapshotReader.read(record)
        return try statement(for: snapshot)
    }

    /// The statement of a record's snapshot (see ``statement(for:)-(URL)``).
    package func statement(for snapshot: RecordSnapshot) throws(BundleError) -> InTotoStatement {
        let record = snapshot.root
        var subjects: [Subject] = []
        subjects.reserveCapacity(snapshot.files.count)
        if let (a, b) = RecordFiles.equivalentPair(snapshot.files.lazy.filter { !$0.excluded }.map(\.path)) {
            throw BundleError.unsignableFile(path: b, reason: "its name is Unicode-equivalent to \(SubjectPath.escaped(a)) (as \(SubjectPath.escaped(b))): two names that differ only by normalisation (NFC/NFD) are one file to many tools; rename or remove one")
        }
        for file in snapshot.files where !file.excluded {
            if case .refused(let problem) = file.kind {
                throw BundleError.unsignableFile(path: file.path, reason: problem)
            }
            guard let digest = file.sha256 else {
                throw BundleError.io(path: file.path, reason: file.readError ?? "cannot read")
            }
            subjects.append(Subject(name: file.path, sha256: digest))
        }
        let recordAudit: RecordAudit
        do {
            recordAudit = try audit(snapshot)
        } catch {
            throw BundleError.auditFailed(path: record.path, reason: String(describing: error))
        }
        let provenance = Provenance(
            run: try Self.readProvenance(BundleLayout.runFileName, in: snapshot),
            environment: try Self.readProvenance(BundleLayout.environmentFileName, in: snapshot)
        )
        return InTotoStatement(subject: subjects, predicate: RecordPredicate(tool: tool, provenance: provenance, audit: SignedAudit(recordAudit)))
    }

    /// The signed envelope of `statement`: canonical compact JSON payload, one Ed25519
    /// signature over its DSSE PAE.
    package func envelope(for statement: InTotoStatement) throws(BundleError) -> DSSEEnvelope {
        let payload: Data
        do {
            payload = try StatementJSON.encode(statement)
        } catch {
            throw BundleError.io(path: "<statement>", reason: "cannot encode: \(error)")
        }
        do {
            let signature = try key.signature(for: DSSEEnvelope.pae(payloadType: BundleLayout.payloadType, payload: payload))
            let keyID = try key.publicKey().keyID()
            return DSSEEnvelope(payload: payload, payloadType: BundleLayout.payloadType,
                                signatures: [.init(keyid: keyID, sig: signature.base64EncodedString())])
        } catch {
            throw BundleError.crypto(error.description)
        }
    }

    /// Signs `record` and writes `referee.pub.pem` then `referee.bundle.json` into it, each
    /// atomically. Everything is computed before the first write, so a failure leaves no
    /// partial bundle; if the bundle cannot be written the previous public key is restored.
    @discardableResult
    package func sign(_ record: URL) throws(BundleError) -> InTotoStatement {
        let statement = try statement(for: record)
        let envelope = try envelope(for: statement)
        let bundleData: Data
        let publicPEM: Data
        do {
            bundleData = try CanonicalJSON.encode(envelope)
        } catch {
            throw BundleError.io(path: BundleLayout.bundleFileName, reason: "cannot encode: \(error)")
        }
        do {
            publicPEM = try key.publicKey().spkiPEM()
        } catch {
            throw BundleError.crypto(error.description)
        }
        let publicURL = record.appendingPathComponent(BundleLayout.publicKeyFileName)
        let bundleURL = record.appendingPathComponent(BundleLayout.bundleFileName)
        let previousPublic = try? Data(contentsOf: publicURL)
        do {
            try AtomicFile.write(publicPEM, to: publicURL)
        } catch {
            throw BundleError.io(path: publicURL.path, reason: error.description)
        }
        do {
            try AtomicFile.write(bundleData, to: bundleURL)
        } catch {
            if let previousPublic {
                try? AtomicFile.write(previousPublic, to: publicURL)
            } else {
                unlink(publicURL.path)
            }
            throw BundleError.io(path: bundleURL.path, reason: error.description)
        }
        return statement
    }

    /// Reads an optional provenance file of the snapshot (the bytes hashed): nil when absent,
    /// its JSON object otherwise.
    static func readProvenance(_ name: String, in snapshot: RecordSnapshot) throws(BundleError) -> JSONValue? {
        let url = snapshot.url(of: name)
        guard snapshot.file(name) != nil || snapshot.isFolder(name) else { return nil }
        let value: JSONValue
        let data: Data
        do {
            guard let read = try snapshot.contents(of: name) else {
                throw CoreError.io(path: url.path, reason: "is a folder, not a regular file")
            }
            data = read
        } catch {
            throw BundleError.badProvenance(path: url.path, reason: String(describing: error))
        }
        if let problem = StrictJSON.check(data) {
            throw BundleError.badProvenance(path: url.path, reason: problem.description)
        }
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw BundleError.badProvenance(path: url.path, reason: "does not parse as JSON (\(error.localizedDescription))")
        }
        guard case .object = value else {
            throw BundleError.badProvenance(path: url.path, reason: "the top level is not an object")
        }
        return value
    }
}

func requireDirectory(_ url: URL) throws(BundleError) {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
        throw BundleError.notARecordFolder(path: url.path)
    }
}
