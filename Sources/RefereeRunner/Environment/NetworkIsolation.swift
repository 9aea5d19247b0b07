import Foundation

/// Whether the submission ran in a network namespace with only loopback, and why not if not.
/// Encoded as `applied`, `disabled`, or `unavailable(<reason>)`.
public enum NetworkIsolation: Sendable, Hashable, Codable, CustomStringConvertible {
    case applied
    case disabled
    case unavailable(String)

    public var description: String {
        switch self {
        case .applied: return "applied"
        case .disabled: return "disabled"
        case .unavailable(let reason): return "unavailable(\(reason))"
        }
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        switch text {
        case "applied": self = .applied
        case "disabled": self = .disabled
        default:
            let reason = text.hasPrefix("unavailable(") && text.hasSuffix(")") ? String(text.dropFirst(12).dropLast()) : text
            self = .unavailable(reason)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Tries `unshare --net` with loopback brought up, as the launch will use it.
    public static func probe() -> NetworkIsolation {
        let result = CommandCapture.run(["unshare", "--net", "--", "sh", "-c", "ip link set lo up"], timeout: 10)
        if result.succeeded { return .applied }
        let detail = result.output.split(separator: "\n").first.map(String.init) ?? ""
        return .unavailable(([result.status] + (detail.isEmpty ? [] : [detail])).joined(separator: ": "))
    }

    /// Wraps `spec` so that it runs in a fresh network namespace whose loopback is up (torchrun
    /// `--standalone` needs 127.0.0.1). `unshare` and `sh` exec the command, so the child's pid,
    /// session and process group stay the ones Referee signals.
    public static func wrap(_ spec: LaunchSpec) -> LaunchSpec {
        var wrapped = spec
        wrapped.executable = "unshare"
        wrapped.arguments = ["--net", "--", "sh", "-c", "ip link set lo up 2>/dev/null; exec \"$@\"", "sh", spec.executable] + spec.arguments
        return wrapped
    }
}
