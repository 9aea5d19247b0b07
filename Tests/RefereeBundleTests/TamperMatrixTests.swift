import Foundation
import Testing
import RefereeAudit
import RefereeCrypto
@testable import RefereeBundle

/// One way of tampering with a signed record, and the failure verify must report for it.
enum Tamper: CustomTestStringConvertible, Sendable {
    case flipByte(String)
    case flipPayloadByte
    case flipSignatureByte
    case addFile
    case addHiddenFileInSubfolder
    case removeFile
    case renameFile
    case symlinkSwappedIn
    case verifyWithAnotherKey
    case resignedWithAnotherKey
    case publicKeyReplacedAndResigned
    case forgedKeyID
    case bundleRemoved
    case bundleGarbage
    case wrongPayloadType
    case subjectPathWithDotDot
    case absoluteSubjectPath
    case subjectListedTwice
    case ruleStatusChanged
    case rulesChanged
    case ruleAddedSinceSigning
    case auditCannotRun

    static let all: [Tamper] = RecordFixture.files.map { .flipByte($0.0) } + [
        .flipPayloadByte, .flipSignatureByte, .addFile, .addHiddenFileInSubfolder, .removeFile, .renameFile,
        .symlinkSwappedIn, .verifyWithAnotherKey, .resignedWithAnotherKey, .publicKeyReplacedAndResigned,
        .forgedKeyID, .bundleRemoved, .bundleGarbage, .wrongPayloadType, .subjectPathWithDotDot,
        .absoluteSubjectPath, .subjectListedTwice, .ruleStatusChanged, .rulesChanged, .ruleAddedSinceSigning,
        .auditCannotRun,
    ]

    var testDescription: String {
        if case .flipByte(let path) = self { return "flip a byte in \(path)" }
        return String(describing: self)
    }

    /// Tampers with the freshly signed `fixture`; returns the verifier to run.
    func apply(to fixture: RecordFixture) throws -> BundleVerifier {
        let other = try Ed25519PrivateKey.generate()
        switch self {
        case .flipByte(let path):
            var data = try Data(contentsOf: fixture.url(path))
            data[data.count / 2] ^= 0x01
            try data.write(to: fixture.url(path))
        case .flipPayloadByte:
            var envelope = try fixture.readEnvelope()
            var payload = try #require(envelope.payloadBytes)
            let index = try #require(payload.firstRange(of: Data("1.2243657".utf8))?.lowerBound)
            payload[index + 2] = UInt8(ascii: "1")
            envelope.payload = payload.base64EncodedString()
            try fixture.writeEnvelope(envelope)
        case .flipSignatureByte:
            var envelope = try fixture.readEnvelope()
            var sig = try #require(Data(base64Encoded: envelope.signatures[0].sig))
            sig[5] ^= 0x20
            envelope.signatures[0].sig = sig.base64EncodedString()
            try fixture.writeEnvelope(envelope)
        case .addFile:
            try Data("late".utf8).write(to: fixture.url("notes.txt"))
        case .addHiddenFileInSubfolder:
            try Data("late".utf8).write(to: fixture.url("traces/seed42/.extra"))
        case .removeFile:
            try FileManager.default.removeItem(at: fixture.url("train_gpt.py"))
        case .renameFile:
            try FileManager.default.moveItem(at: fixture.url("train_seed42.log"), to: fixture.url("train_seed7.log"))
        case .symlinkSwappedIn:
            let copy = fixture.outside.appendingPathComponent("train_seed42.log")
            try FileManager.default.copyItem(at: fixture.url("train_seed42.log"), to: copy)
            try FileManager.default.removeItem(at: fixture.url("train_seed42.log"))
            try FileManager.default.createSymbolicLink(at: fixture.url("train_seed42.log"), withDestinationURL: copy)
        case .verifyWithAnotherKey:
            return fixture.verifier(trusted: try other.publicKey())
        case .resignedWithAnotherKey:
            try FileManager.default.removeItem(at: fixture.url("train_gpt.py"))
            try fixture.signer(key: other).sign(fixture.record)
            return fixture.verifier(trusted: try fixture.key.publicKey())
        case .publicKeyReplacedAndResigned:
            try FileManager.default.removeItem(at: fixture.url("train_gpt.py"))
            let envelope = try fixture.signer(key: other).envelope(for: fixture.signer().statement(for: fixture.record))
            try fixture.writeEnvelope(envelope)
            try fixture.signer(key: other).sign(fixture.record)
            return fixture.verifier(trusted: try fixture.key.publicKey())
        case .forgedKeyID:
            var envelope = try fixture.signer(key: other).envelope(for: fixture.signer().statement(for: fixture.record))
            envelope.signatures[0].keyid = try fixture.key.publicKey().keyID()
            try fixture.writeEnvelope(envelope)
        case .bundleRemoved:
            try FileManager.default.removeItem(at: fixture.bundleURL)
        case .bundleGarbage:
            try Data(#"{"payload": "e30=", "signatures": []}"#.utf8).write(to: fixture.bundleURL)
        case .wrongPayloadType:
            try resign(fixture, { _ in }, payloadType: "application/json")
        case .subjectPathWithDotDot:
            try resign(fixture) { $0.subject[0].name = "../outside/train_seed42.log" }
        case .absoluteSubjectPath:
            try resign(fixture) { $0.subject[0].name = fixture.url($0.subject[0].name).path }
        case .subjectListedTwice:
            try resign(fixture) { $0.subject.append($0.subject[0]) }
        case .ruleStatusChanged:
            return fixture.verifier(audit: .handMade(sizeStatus: .fail))
        case .rulesChanged:
            return fixture.verifier(audit: .handMade(rulesDigest: String(repeating: "cd", count: 32)))
        case .ruleAddedSinceSigning:
            return fixture.verifier(audit: .handMade(extraRule: true))
        case .auditCannotRun:
            return BundleVerifier(trustedKey: nil, audit: { _ in throw FixtureAuditError() })
        }
        return fixture.verifier()
    }

    /// Signs a modified statement with the fixture's own key, so only the later checks can catch it.
    private func resign(_ fixture: RecordFixture, _ change: (inout InTotoStatement) -> Void, payloadType: String = BundleLayout.payloadType) throws {
        var statement = try fixture.signer().statement(for: fixture.record)
        change(&statement)
        let payload = try JSONEncoder().encode(statement)
        let sig = try fixture.key.signature(for: DSSEEnvelope.pae(payloadType: payloadType, payload: payload))
        try fixture.writeEnvelope(DSSEEnvelope(payload: payload, payloadType: payloadType,
                                               signatures: [.init(keyid: fixture.key.publicKey().keyID(), sig: sig.base64EncodedString())]))
    }

    /// True when `failure` is the one this tampering must produce.
    func isExpected(_ failure: VerificationFailure, fixture: RecordFixture) -> Bool {
        switch (self, failure) {
        case (.flipByte(let path), .digestMismatch(let failed, let signed, let found)): return failed == path && signed != found
        case (.flipPayloadByte, .badSignature), (.flipSignatureByte, .badSignature), (.forgedKeyID, .badSignature): return true
        case (.addFile, .unlistedFile(let path)): return path == "notes.txt"
        case (.addHiddenFileInSubfolder, .unlistedFile(let path)): return path == "traces/seed42/.extra"
        case (.removeFile, .subjectMissing(let path)): return path == "train_gpt.py"
        case (.renameFile, .subjectRenamed(let from, let to)): return from == "train_seed42.log" && to == "train_seed7.log"
        case (.symlinkSwappedIn, .subjectOutsideFolder(let path, let resolved)): return path == "train_seed42.log" && resolved.contains("/outside/")
        case (.verifyWithAnotherKey, .signedByAnotherKey), (.resignedWithAnotherKey, .signedByAnotherKey),
             (.publicKeyReplacedAndResigned, .signedByAnotherKey): return true
        case (.bundleRemoved, .bundleMissing): return true
        case (.bundleGarbage, .envelopeMalformed(let reason)): return reason.contains("payloadType")
        case (.wrongPayloadType, .wrongPayloadType(let type)): return type == "application/json"
        case (.subjectPathWithDotDot, .unsafeSubjectPath(_, let reason)): return reason.contains("..")
        case (.absoluteSubjectPath, .unsafeSubjectPath(_, let reason)): return reason.contains("absolute")
        case (.subjectListedTwice, .unsafeSubjectPath(_, let reason)): return reason.contains("twice")
        case (.ruleStatusChanged, .ruleStatusChanged(let rule, let signed, let now)): return rule == "size.artifact-cap" && signed == .pass && now == .fail
        case (.rulesChanged, .rulesChanged): return true
        case (.ruleAddedSinceSigning, .ruleNotSigned(let rule)): return rule == "stats.significance"
        case (.auditCannotRun, .auditUnavailable(let reason)): return reason.contains("track_10min_16mb.toml")
        default: return false
        }
    }
}

@Suite struct TamperMatrixTests {
    @Test(arguments: Tamper.all)
    func everyTamperingIsRejectedWithItsOwnFailure(tamper: Tamper) throws {
        let fixture = try RecordFixture.make()
        defer { fixture.remove() }
        try fixture.signer().sign(fixture.record)
        #expect(try fixture.verifier().verify(fixture.record).verified, "fresh record must verify before tampering")
        let verifier = try tamper.apply(to: fixture)
        let report = try verifier.verify(fixture.record)
        let failure = try #require(report.failure, "\(tamper.testDescription) was accepted")
        #expect(tamper.isExpected(failure, fixture: fixture), "\(tamper.testDescription): got \(failure)")
    }

    /// Distinct tamperings give distinct messages (except those a signature cannot tell apart:
    /// an altered payload, an altered signature or a forged key id all read "does not verify").
    @Test func messagesNameWhatFailed() throws {
        var messages: [String: String] = [:]
        for tamper in Tamper.all {
            let fixture = try RecordFixture.make()
            defer { fixture.remove() }
            try fixture.signer().sign(fixture.record)
            let report = try tamper.apply(to: fixture).verify(fixture.record)
            messages[tamper.testDescription] = report.failure?.description
        }
        #expect(messages.values.count == Tamper.all.count)
        #expect(messages["flip a byte in run.json"]?.hasPrefix("run.json: content changed") == true)
        #expect(messages["renameFile"]?.contains("train_seed7.log") == true)
        let sameCheck: Set<String> = ["flipPayloadByte", "flipSignatureByte", "forgedKeyID",
                                      "verifyWithAnotherKey", "resignedWithAnotherKey", "publicKeyReplacedAndResigned"]
        let rest = messages.filter { !sameCheck.contains($0.key) }
        #expect(Set(rest.values).count == rest.count, "messages repeat: \(rest)")
    }
}
