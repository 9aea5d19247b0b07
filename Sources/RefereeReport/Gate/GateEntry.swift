import RefereeAudit

/// What bundle verification said about a gated path.
package enum BundleStatus: Codable, Hashable, Sendable {
    /// No `referee.bundle.json` in the folder.
    case absent
    /// The bundle's signature and digests verified.
    case verified(signer: String)
    /// The bundle is present but does not verify; the reason names the file and what was expected.
    case invalid(reason: String)
    /// A bundle is present but its signer was not authenticated (no trusted key given); its
    /// files may still have been checked against the record's own key. Fails under `--strict`.
    case notChecked(reason: String)
    /// The bundle verified against the record's own key, as asked (`--trust-record-key`):
    /// integrity only, the signer is not authenticated.
    case integrityOnly(signer: String)

    /// True when the bundle makes the gate fail.
    package var fails: Bool {
        if case .invalid = self { return true }
        return false
    }

    var text: String {
        switch self {
        case .absent: return "none"
        case .verified(let signer): return "✅ verified (\(signer))"
        case .invalid(let reason): return "❌ \(reason)"
        case .notChecked(let reason): return "⚠️ not checked: \(reason)"
        case .integrityOnly(let signer): return "☑️ integrity only (\(signer); signer not authenticated)"
        }
    }
}

/// One path given to `referee gate` and what happened to it.
package struct GateEntry: Sendable {
    package var path: String
    /// The audit, nil when the path could not be audited (`error` says why).
    package var audit: RecordAudit?
    package var error: String?
    package var bundle: BundleStatus

    package init(path: String, audit: RecordAudit?, error: String? = nil, bundle: BundleStatus = .absent) {
        self.path = path
        self.audit = audit
        self.error = error
        self.bundle = bundle
    }

    /// True when this entry fails the gate: the audit could not run, an error-severity rule
    /// failed, or a bundle is present and invalid. `strict` also fails `incomplete` verdicts.
    package func fails(strict: Bool) -> Bool {
        if error != nil || bundle.fails { return true }
        if strict, case .notChecked = bundle { return true }
        guard let audit else { return true }
        switch audit.verdict {
        case .fail: return true
        case .incomplete: return strict
        case .pass: return false
        }
    }
}

extension GateEntry {
    /// The audit as the JUnit and annotation formatters should see it: the rule results plus
    /// a failed `gate.audit` result when the path could not be audited, and a `bundle.verify`
    /// result when a bundle is present.
    package var reportedAudit: RecordAudit {
        var results = audit?.results ?? []
        if let error {
            results.append(RuleResult(id: "gate.audit", status: .fail, message: "could not audit \(path): \(error)"))
        }
        switch bundle {
        case .absent: break
        case .verified(let signer):
            results.append(RuleResult(id: "bundle.verify", status: .pass, message: "bundle verified (\(signer))"))
        case .invalid(let reason):
            results.append(RuleResult(id: "bundle.verify", status: .fail, message: reason))
        case .notChecked(let reason):
            results.append(RuleResult(id: "bundle.verify", status: .unverifiable, message: reason))
        case .integrityOnly(let signer):
            results.append(RuleResult(id: "bundle.verify", status: .pass,
                                      message: "bundle integrity-only: files match, signed by the record's own key (\(signer)); the signer is not authenticated"))
        }
        return RecordAudit(path: audit?.path ?? path, track: audit?.track ?? "unknown",
                           rulesVersion: audit?.rulesVersion ?? "", rulesDigest: audit?.rulesDigest ?? "",
                           score: audit?.score, runs: audit?.runs ?? [], results: results)
    }
}
