import Foundation

// SHARED stub (helper "audit"): placeholders so RefereeAudit compiles against the loaders that
// helper "logs" implements on branch `logs`. DELETE THIS FILE when merging `logs`.

extension RecordFolder {
    /// Classifies the files of a record folder (implemented by helper "logs").
    public static func load(_ url: URL) throws(LogError) -> RecordFolder {
        throw LogError.unreadable(path: url.path, reason: "record folder loader not implemented")
    }
}

extension SubmissionClaims {
    /// Parses a submission.json (implemented by helper "logs").
    public static func load(_ url: URL) throws(LogError) -> SubmissionClaims {
        throw LogError.unreadable(path: url.path, reason: "submission.json loader not implemented")
    }
}
