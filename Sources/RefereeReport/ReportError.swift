/// Errors generating or writing reports. Rule failures are not errors: they are in the audit.
package enum ReportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A file could not be read or written.
    case io(path: String, reason: String)
    /// `--date` is not `YYYY-MM-DD`.
    case badDate(String)
    /// No date in the evidence and no `--date` flag.
    case noDate(folder: String)
    /// The record has no run with a score, so there is nothing to submit.
    case noScoredRun(path: String)
    /// A submission.json field has no value: neither a flag nor the existing submission.json gives one.
    case missingMetadata(field: String, flag: String)

    package var description: String {
        switch self {
        case .io(let path, let reason): return "\(path): \(reason)"
        case .badDate(let value):
            return "--date '\(value)': expected a date written YYYY-MM-DD, e.g. 2026-04-09"
        case .noDate(let folder):
            return "\(folder): no date found (no unix timestamps in the logs and the folder name does not start with YYYY-MM-DD_); pass --date YYYY-MM-DD"
        case .missingMetadata(let field, let flag):
            return "no \(field): pass \(flag) (the record has no submission.json naming one)"
        case .noScoredRun(let path):
            return "\(path): no run has a final score line (e.g. final_int8_zlib_roundtrip_exact … val_bpb:…); nothing to write into submission.json"
        }
    }
}
