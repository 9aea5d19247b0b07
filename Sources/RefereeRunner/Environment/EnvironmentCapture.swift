import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The machine a record was produced on (`environment.json`). Raw command outputs are kept next
/// to the fields read from them, so a reader can check the parsing.
public struct EnvironmentRecord: Sendable, Codable, Hashable {
    public var refereeVersion: String
    /// `git rev-parse HEAD` of Referee's own checkout, nil when not run from one.
    public var refereeCommit: String?
    public var hostname: String
    public var kernel: String
    public var cpuModel: String?
    public var cpuCount: Int
    /// One entry per GPU line of `nvidia-smi --query-gpu=…` (empty without GPUs).
    public var gpus: [String]
    public var pythonVersion: String?
    public var torchVersion: String?
    public var cudaVersion: String?
    /// `pip freeze`, one requirement per entry.
    public var pipFreeze: [String]
    public var networkIsolation: NetworkIsolation
    public var capturedAt: Double
    /// Every helper command run and what it printed.
    public var commands: [CapturedCommand]
}

/// Collects an ``EnvironmentRecord``. Runs before the first seed starts (never inside a timed
/// window); each command has its own time limit and a missing tool is recorded, not thrown.
public enum EnvironmentCapture {
    public static func capture(python: String, refereeVersion: String, refereeHome: URL?, networkIsolation: NetworkIsolation) -> EnvironmentRecord {
        let smi = CommandCapture.run(["nvidia-smi", "--query-gpu=index,name,memory.total,driver_version,pci.bus_id", "--format=csv,noheader"])
        let py = CommandCapture.run([python, "-c", "import sys; print(sys.version.split()[0])"])
        let torch = CommandCapture.run([python, "-c", "import torch; print(torch.__version__); print(torch.version.cuda)"], timeout: 60)
        let pip = CommandCapture.run([python, "-m", "pip", "freeze"], timeout: 60)
        var commands = [smi, py, torch, pip]
        var commit: String?
        if let home = refereeHome {
            let git = CommandCapture.run(["git", "-C", home.path, "rev-parse", "HEAD"])
            commands.append(git)
            if git.succeeded { commit = git.output.trimmingCharacters(in: .whitespacesAndNewlines) }
        }
        let torchLines = torch.succeeded ? torch.output.split(separator: "\n").map(String.init) : []
        return EnvironmentRecord(
            refereeVersion: refereeVersion,
            refereeCommit: commit,
            hostname: ProcessInfo.processInfo.hostName,
            kernel: kernelDescription(),
            cpuModel: cpuModel(),
            cpuCount: ProcessInfo.processInfo.activeProcessorCount,
            gpus: smi.succeeded ? lines(smi.output) : [],
            pythonVersion: py.succeeded ? py.output.trimmingCharacters(in: .whitespacesAndNewlines) : nil,
            torchVersion: torchLines.first,
            cudaVersion: torchLines.count > 1 && torchLines[1] != "None" ? torchLines[1] : nil,
            pipFreeze: pip.succeeded ? lines(pip.output) : [],
            networkIsolation: networkIsolation,
            capturedAt: Clock.wall(),
            commands: commands
        )
    }

    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func cpuModel() -> String? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            return line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) }
        }
        return nil
    }

    static func kernelDescription() -> String {
        var u = utsname()
        uname(&u)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
        }
        return "\(field(u.sysname)) \(field(u.release)) \(field(u.machine))"
    }
}
