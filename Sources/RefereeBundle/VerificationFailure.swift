import RefereeAudit

/// The first reason a signed record does not verify. Each check has its own case and message;
/// the CLI prints ``description`` and exits 1.
package enum VerificationFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// No `referee.bundle.json` in the record.
    case bundleMissing
    /// The bundle is not a DSSE envelope in JSON.
    case envelopeMalformed(reason: String)
    /// No key was given and the record has no `referee.pub.pem`.
    case publicKeyMissing
    /// The record's `referee.pub.pem` is not an Ed25519 public key.
    case publicKeyMalformed(reason: String)
    /// No signature carries the verifying key's id: signed by another key.
    case signedByAnotherKey(expected: String, found: [String])
    /// A signature with the key's id does not verify over the PAE of the payload.
    case badSignature(keyID: String)
    /// The envelope's payloadType is not `application/vnd.in-toto+json`.
    case wrongPayloadType(String)
    /// The payload does not parse as an in-toto Statement v1 with Referee's predicate.
    case payloadNotStatement(reason: String)
    /// A subject path is absolute, contains `..`, is not normalised, or repeats.
    case unsafeSubjectPath(path: String, reason: String)
    /// A subject has no well-formed sha256 digest.
    case malformedDigest(path: String)
    /// A subject resolves through a symlink to somewhere outside the record folder.
    case subjectOutsideFolder(path: String, resolved: String)
    /// A subject file is gone and another file has its exact digest.
    case subjectRenamed(from: String, to: String)
    /// A subject file is gone.
    case subjectMissing(path: String)
    /// A subject's content changed.
    case digestMismatch(path: String, signed: String, found: String)
    /// A file in the folder is not among the subjects.
    case unlistedFile(path: String)
    /// The audit could not be re-run, so the signed verdicts cannot be confirmed.
    case auditUnavailable(reason: String)
    /// The rules file the audit now uses is not the one the verdicts were signed under.
    case rulesChanged(signed: String, now: String)
    /// A signed rule's recomputed status differs, or the rule is absent now (`now == nil`).
    case ruleStatusChanged(rule: String, signed: RuleStatus, now: RuleStatus?)
    /// The audit now reports a rule that was not signed.
    case ruleNotSigned(rule: String)
    /// The overall verdict differs.
    case verdictChanged(signed: Verdict, now: Verdict)

    package var description: String {
        let bundle = BundleLayout.bundleFileName
        switch self {
        case .bundleMissing:
            return "\(bundle): missing; the record is not signed (run `referee sign`)"
        case .envelopeMalformed(let reason):
            return "\(bundle): not a DSSE envelope: \(reason)"
        case .publicKeyMissing:
            return "\(BundleLayout.publicKeyFileName): missing; pass the signer's public key with --key"
        case .publicKeyMalformed(let reason):
            return "\(BundleLayout.publicKeyFileName): \(reason)"
        case .signedByAnotherKey(let expected, let found):
            return "\(bundle): signed by another key (keyid \(found.isEmpty ? "none" : found.joined(separator: ", "))), not by the verifying key (keyid \(expected))"
        case .badSignature(let keyID):
            return "\(bundle): the signature by key \(keyID) does not verify (payload or signature altered)"
        case .wrongPayloadType(let type):
            return "\(bundle): payloadType is '\(type)', expected '\(BundleLayout.payloadType)'"
        case .payloadNotStatement(let reason):
            return "\(bundle): payload is not an in-toto Statement v1 with predicate \(BundleLayout.predicateType): \(reason)"
        case .unsafeSubjectPath(let path, let reason):
            return "subject '\(path)': unsafe path: \(reason)"
        case .malformedDigest(let path):
            return "subject '\(path)': expected a sha256 digest of 64 lowercase hex characters"
        case .subjectOutsideFolder(let path, let resolved):
            return "\(path): resolves through a symlink outside the record folder (to \(resolved))"
        case .subjectRenamed(let from, let to):
            return "\(from): missing; its signed content is now at \(to) (file renamed)"
        case .subjectMissing(let path):
            return "\(path): signed file is missing from the record"
        case .digestMismatch(let path, let signed, let found):
            return "\(path): content changed since signing (sha256 signed \(signed), found \(found))"
        case .unlistedFile(let path):
            return "\(path): file is not covered by the bundle (added after signing)"
        case .auditUnavailable(let reason):
            return "the audit could not be re-run to confirm the signed verdicts: \(reason)"
        case .rulesChanged(let signed, let now):
            return "rules changed: verdicts were signed under rules sha256 \(signed), the audit now uses \(now)"
        case .ruleStatusChanged(let rule, let signed, let now):
            return "rule \(rule): signed \(signed.rawValue), re-audit gives \(now?.rawValue ?? "no result")"
        case .ruleNotSigned(let rule):
            return "rule \(rule): reported by the re-audit but absent from the signed verdicts"
        case .verdictChanged(let signed, let now):
            return "verdict: signed \(signed.rawValue), re-audit gives \(now.rawValue)"
        }
    }
}
