import Foundation
import RefereeAudit
import RefereeCore

/// Re-runs the audit and compares it with the signed verdicts: rules digest, each rule's
/// `id` + `status`, then the overall verdict. Messages, evidence and scores are not compared.
struct AuditComparison {
    var signed: SignedAudit

    func run(_ audit: AuditProvider, on snapshot: RecordSnapshot) throws(VerificationFailure) {
        let now: RecordAudit
        do {
            now = try audit(snapshot)
        } catch {
            throw .auditUnavailable(reason: String(describing: error))
        }
        try compare(with: now)
    }

    func compare(with now: RecordAudit) throws(VerificationFailure) {
        guard signed.rulesDigest == now.rulesDigest else {
            throw .rulesChanged(signed: signed.rulesDigest, now: now.rulesDigest)
        }
        let recomputed = Dictionary(now.results.map { ($0.id, $0.status) }, uniquingKeysWith: { first, _ in first })
        let signedIDs = Set(signed.results.map(\.id))
        for result in signed.results where recomputed[result.id] != result.status {
            throw .ruleStatusChanged(rule: result.id, signed: result.status, now: recomputed[result.id])
        }
        if let extra = now.results.first(where: { !signedIDs.contains($0.id) }) {
            throw .ruleNotSigned(rule: extra.id)
        }
        guard signed.verdict == now.verdict else {
            throw .verdictChanged(signed: signed.verdict, now: now.verdict)
        }
    }
}
