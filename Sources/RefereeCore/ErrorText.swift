import Foundation

/// Joins a path and a reason into one error message without naming the file twice.
///
/// Errors from lower modules often already start with the file they are about (`/abs/x.json:1:
/// malformed JSON`); a caller that wraps one with its own `path:` would print
/// `x.json: /abs/x.json:1: malformed JSON`. These helpers keep one location.
package enum ErrorText {
    /// `path: reason`, or `reason` alone when it already starts with `path` (as given, or made
    /// absolute) followed by `:`.
    package static func located(_ path: String, _ reason: String) -> String {
        startsWithLocation(reason, path) ? reason : "\(path): \(reason)"
    }

    /// `reason` without a leading `path:` (and a `line:` or `byte N:` right after it), for a
    /// caller that prints the path itself.
    package static func droppingLocation(_ path: String, from reason: String) -> String {
        for candidate in [path, absolute(path)] where reason.hasPrefix(candidate + ":") {
            var rest = reason.dropFirst(candidate.count + 1)
            if let colon = rest.firstIndex(of: ":"), rest[rest.startIndex..<colon].allSatisfy(\.isNumber), colon != rest.startIndex {
                rest = rest[rest.index(after: colon)...]
            }
            return rest.trimmingCharacters(in: .whitespaces)
        }
        return reason
    }

    static func startsWithLocation(_ reason: String, _ path: String) -> Bool {
        !path.isEmpty && (reason.hasPrefix(path + ":") || reason.hasPrefix(absolute(path) + ":"))
    }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }
}
