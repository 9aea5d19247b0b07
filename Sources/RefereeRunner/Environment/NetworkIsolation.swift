import Foundation

/// Whether the submission ran in a network namespace with only loopback, and why not if not.
/// Encoded as `applied`, `disabled`, or `unavailable(<reason>)`. Since v0.2 the namespace is the
/// sandbox's (``SandboxRecord``); this field stays in run.json for older readers.
package enum NetworkIsolation: Sendable, Hashable, Codable, CustomStringConvertible {
    case applied
    case disabled
    case unavailable(String)

    package var description: String {
        switch self {
        case .applied: return "applied"
        case .disabled: return "disabled"
        case .unavailable(let reason): return "unavailable(\(reason))"
        }
    }

    package init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        switch text {
        case "applied": self = .applied
        case "disabled": self = .disabled
        default:
            let reason = text.hasPrefix("unavailable(") && text.hasSuffix(")") ? String(text.dropFirst(12).dropLast()) : text
            self = .unavailable(reason)
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
