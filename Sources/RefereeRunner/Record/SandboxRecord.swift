import RefereeSandbox

/// `run.json`'s `sandbox`: which protections were in force for every process Referee started
/// from the submission. The audit's `runner.sandbox` rule passes only when all were applied.
package struct SandboxRecord: Sendable, Codable, Hashable {
    /// `namespaces` (Linux namespaces through clone(2), RefereeSandbox) or `none`.
    package var mechanism: String
    /// True when every protection below was in force.
    package var applied: Bool
    /// Each protection: `mount` (read-only root, private /tmp and /dev/shm, only the working
    /// folder writable, the record hidden), `pid` (a PID namespace: nothing outlives the run),
    /// `network` (a network namespace with loopback only), `ipc`.
    package var protections: Protections
    /// Why not applied (the `--no-sandbox` flag, or the kernel's refusal with the failed step).
    package var reason: String?

    package struct Protections: Sendable, Codable, Hashable {
        package var mount: Bool
        package var pid: Bool
        package var network: Bool
        package var ipc: Bool
    }

    /// All protections, network as asked.
    package static func applied(network: Bool) -> SandboxRecord {
        SandboxRecord(mechanism: "namespaces", applied: network,
                      protections: Protections(mount: true, pid: true, network: network, ipc: true),
                      reason: network ? nil : "--no-network-isolation: the network namespace was not used")
    }

    /// None: the submission ran as an ordinary child in its own session.
    package static func none(_ reason: String) -> SandboxRecord {
        SandboxRecord(mechanism: "none", applied: false,
                      protections: Protections(mount: false, pid: false, network: false, ipc: false), reason: reason)
    }

    /// Decides from a probe of the kernel (or the user's `--no-sandbox`).
    package static func decide(enabled: Bool, isolateNetwork: Bool, probe: () -> SandboxProbe = SandboxProbe.probe) -> SandboxRecord {
        guard enabled else { return .none("--no-sandbox given") }
        let result = probe()
        guard result.applied else { return .none("the kernel refused the sandbox: \(result.reason ?? "unknown")") }
        return .applied(network: isolateNetwork)
    }

    /// True when the submission's processes run in namespaces.
    package var namespaces: Bool { mechanism == "namespaces" }
}
