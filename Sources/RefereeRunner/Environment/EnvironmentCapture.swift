import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The machine a record was produced on (`environment.json`). Raw command outputs are kept next
/// to the fields read from them, so a reader can check the parsing.
package struct EnvironmentRecord: Sendable, Codable, Hashable {
    package var refereeVersion: String
    /// `git rev-parse HEAD` of Referee's own checkout, nil when not run from one.
    package var refereeCommit: String?
    package var hostname: String
    package var kernel: String
    package var cpuModel: String?
    package var cpuCount: Int
    /// One entry per GPU line of `nvidia-smi --query-gpu=…` (empty without GPUs).
    package var gpus: [String]
    package var pythonVersion: String?
    package var torchVersion: String?
    package var cudaVersion: String?
    /// `pip freeze`, one requirement per entry.
    package var pipFreeze: [String]
    package var networkIsolation: NetworkIsolation
    package var capturedAt: Double
    /// Every helper command run and what it printed.
    package var commands: [CapturedCommand]
}

/// Collects an ``EnvironmentRecord``. Runs before the first seed starts (never inside a timed
/// window); each command has its own time limit and a missing tool is recorded, not thrown.
package enum EnvironmentCapture {
    package static func capture(python: String, refereeVersion: String, refereeHome: URL?, networkIsolation: NetworkIsolation) -> EnvironmentRecord {
        var specs: [([String], TimeInterval)] = [
            (["nvidia-smi", "--query-gpu=index,name,memory.total,driver_version,pci.bus_id", "--format=csv,noheader"], 10),
            ([python, "-c", "import sys; print(sys.version.split()[0])"], 10),
            ([python, "-c", torchVersionScript], 60),
            ([python, "-m", "pip", "freeze"], 60),
        ]
        if let home = refereeHome { specs.append((["git", "-C", home.path, "rev-parse", "HEAD"], 10)) }
        // The commands are independent and run before any seed starts: run them at once, so the
        // capture costs the slowest of them (pip freeze) rather than their sum.
        let commands = runConcurrently(specs)
        let (smi, py, torch, pip) = (commands[0], commands[1], commands[2], commands[3])
        var commit: String?
        if commands.count > 4, commands[4].succeeded {
            commit = commands[4].output.trimmingCharacters(in: .whitespacesAndNewlines)
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

    /// Prints torch's version and CUDA version (or `None`), read from torch/version.py without
    /// importing torch (the import alone takes seconds); falls back to the import when that file
    /// cannot be read. Exits non-zero when torch is not installed.
    static let torchVersionScript = #"""
        import importlib.util, os, re, sys
        spec = importlib.util.find_spec("torch")
        if spec is None or not spec.origin:
            sys.exit(1)
        try:
            text = open(os.path.join(os.path.dirname(spec.origin), "version.py"), encoding="utf-8").read()
            version = re.search(r"^__version__\s*(?::[^=]*)?=\s*[\x22\x27]([^\x22\x27]+)", text, re.M).group(1)
            cuda = re.search(r"^cuda\s*(?::[^=]*)?=\s*(?:[\x22\x27]([^\x22\x27]+)|None)", text, re.M)
            print(version)
            print(cuda.group(1) if cuda and cuda.group(1) else "None")
        except Exception:
            import torch
            print(torch.__version__)
            print(torch.version.cuda)
        """#

    /// Runs every command on its own thread and returns the results in the order given.
    static func runConcurrently(_ specs: [([String], TimeInterval)]) -> [CapturedCommand] {
        let results = ResultSlots(count: specs.count)
        DispatchQueue.concurrentPerform(iterations: specs.count) { index in
            results.set(index, CommandCapture.run(specs[index].0, timeout: specs[index].1))
        }
        return results.values
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

/// Slots filled from several threads; every access holds the lock, so sharing it is safe.
private final class ResultSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [CapturedCommand?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: CapturedCommand) {
        lock.lock()
        defer { lock.unlock() }
        slots[index] = value
    }

    var values: [CapturedCommand] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0! }
    }
}
