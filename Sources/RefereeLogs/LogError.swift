/// Errors reading evidence files. Rule problems are not errors: they become findings.
package enum LogError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file or folder does not exist or cannot be read.
    case unreadable(path: String, reason: String)
    /// A JSON file is not valid JSON, or a field has the wrong type.
    case malformedJSON(path: String, line: Int?, expected: String)
    /// The path is neither a log file nor a record folder.
    case notEvidence(path: String, reason: String)

    package var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "\(path): cannot read: \(reason)"
        case .malformedJSON(let path, let line, let expected):
            return "\(path)\(line.map { ":\($0)" } ?? ""): malformed JSON: expected \(expected)"
        case .notEvidence(let path, let reason):
            return "\(path): \(reason)"
        }
    }
}
