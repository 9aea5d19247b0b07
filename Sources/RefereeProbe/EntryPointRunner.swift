import Foundation
import RefereeTrace

/// What one eval-only run of a submission produced.
struct EvalOutputs {
    /// One NLL per target position `1 … n-1`, nil when the file is missing or has the wrong size.
    var nll: [Double]?
    /// Full distributions by target position.
    var dists: [Int: [Double]]
    var problems: [String]
}

/// Runs a submission's eval entry point (`python3 <script>` with `REFEREE_EVAL_ONLY=1`) on one
/// probe shard. The child's exit or timeout is a result, never a throw; on timeout it gets
/// SIGTERM, then SIGKILL two seconds later.
struct EntryPointRunner: Sendable {
    var python: String
    var script: String
    var workingDirectory: URL
    var environment: [String: String]
    var timeout: TimeInterval

    /// Runs once on `shard`, writing into `outDir`; returns the run summary and the outputs.
    func run(name: String, shard: URL, outDir: URL, positions: [Int], tokens: Int) throws(ProbeError) -> (ProbeRun, EvalOutputs) {
        try? FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
        let errURL = outDir.appendingPathComponent("stderr.txt")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script]
        process.currentDirectoryURL = workingDirectory
        var env = environment
        env["REFEREE_EVAL_ONLY"] = "1"
        env["REFEREE_EVAL_SHARD"] = shard.path
        env["REFEREE_EVAL_OUT"] = outDir.path
        env["REFEREE_DIST_POSITIONS"] = positions.map(String.init).joined(separator: ",")
        process.environment = env
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        guard let errHandle = try? FileHandle(forWritingTo: errURL) else {
            throw ProbeError.io(path: errURL.path, reason: "cannot create the stderr capture file")
        }
        process.standardError = errHandle
        let started = Date()
        do { try process.run() } catch {
            throw ProbeError.launch(command: "\(python) \(script)", reason: error.localizedDescription)
        }
        var timedOut = false
        while process.isRunning {
            if Date().timeIntervalSince(started) > timeout {
                timedOut = true
                process.terminate()
                let grace = Date()
                while process.isRunning, Date().timeIntervalSince(grace) < 2 { usleep(20_000) }
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                break
            }
            usleep(10_000)
        }
        process.waitUntilExit()
        try? errHandle.close()
        let seconds = Date().timeIntervalSince(started)
        let outputs = Self.readOutputs(outDir, positions: positions, targets: tokens - 1)
        let wrote = outputs.nll != nil && positions.allSatisfy { outputs.dists[$0] != nil }
        let status: Int32? = timedOut ? nil : process.terminationStatus
        let run = ProbeRun(name: name, exitStatus: status, timedOut: timedOut, seconds: seconds,
                           wroteOutputs: wrote && status == 0, stderrTail: Self.tail(errURL))
        return (run, outputs)
    }

    /// The last 2 KiB of a file, as text.
    static func tail(_ url: URL, bytes: Int = 2048) -> String {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return "" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > UInt64(bytes) ? size - UInt64(bytes) : 0)
        let data = (try? handle.readToEnd()) ?? nil
        return String(decoding: data ?? Data(), as: UTF8.self)
    }

    /// Reads `nll.f64` and `dists.jsonl`; every problem is described, never thrown.
    static func readOutputs(_ dir: URL, positions: [Int], targets: Int) -> EvalOutputs {
        var out = EvalOutputs(nll: nil, dists: [:], problems: [])
        let nllURL = dir.appendingPathComponent("nll.f64")
        if let data = try? Data(contentsOf: nllURL) {
            if data.count == 8 * targets {
                let bytes = [UInt8](data)
                out.nll = (0..<targets).map { i in
                    var bits: UInt64 = 0
                    for b in 0..<8 { bits |= UInt64(bytes[8 * i + b]) << (8 * UInt64(b)) }
                    return Double(bitPattern: bits)
                }
            } else {
                out.problems.append("\(nllURL.lastPathComponent): \(data.count) bytes, expected \(8 * targets) (one float64 per target position 1…\(targets))")
            }
        } else {
            out.problems.append("no nll.f64 written")
        }
        let distURL = dir.appendingPathComponent("dists.jsonl")
        guard let text = try? String(contentsOf: distURL, encoding: .utf8) else {
            if !positions.isEmpty { out.problems.append("no dists.jsonl written") }
            return out
        }
        for (i, line) in text.split(separator: "\n").enumerated() {
            guard let o = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                  let pos = (o["pos"] as? NSNumber)?.intValue,
                  let probs = o["probs"] as? [Any] else {
                out.problems.append("dists.jsonl:\(i + 1): expected {\"pos\": i, \"probs\": [...]}")
                continue
            }
            out.dists[pos] = probs.map { ($0 as? NSNumber)?.doubleValue ?? .nan }
        }
        return out
    }
}
