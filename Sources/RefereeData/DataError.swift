/// Errors reading tokenizer models and token shards.
package enum DataError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    /// The file's bytes are not what the format requires; `offset` is the byte offset.
    case malformed(path: String, offset: Int, expected: String)

    package var description: String {
        switch self {
        case .unreadable(let path, let reason): return "\(path): cannot read: \(reason)"
        case .malformed(let path, let offset, let expected): return "\(path): at byte \(offset): expected \(expected)"
        }
    }
}
