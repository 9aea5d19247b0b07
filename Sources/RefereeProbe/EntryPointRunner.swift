import Foundation
import RefereeSandbox
import RefereeCore
import RefereeTrace

/// What one eval-only run of a submission produced.
struct EvalOutputs {
    /// One NLL per target position `1 … n-1`, nil when the file is missing or has the wrong size.
    var nll: [Double]?
    /// Full distributions by target position.
    var dists: [Int: [Double]]
    var problems: [String]
}

/// Runs a submission's eval entry point (`python3 <script>` with `REFEREE_EVAL_ONLY=1`). The
/// child's exit or timeout is a result, never a throw; on timeout it gets SIGTERM, then SIGKILL
/// two seconds later.
struct EntryPointRunner: Sendable {
    var python: String
    /// The script's path as the child sees it.
    var script: String
    /// The working directory as the child sees it.
    var workingDirectory: String
    var environment: [String: String]
    /// Seconds one evaluation may take.
    var timeout: TimeInterval
    /// Namespaces and mounts; nil runs unsandboxed.
    var sandbox: SandboxPolicy?

    /// How one child process ended.
    struct Exit {
        var status: Int32?
        var timedOut: Bool
        var seconds: Double
        var stderrTail: String
    }

    /// Starts the child with `variables` added to `environment` and waits for it (or kills it),
    /// in `sandbox` when given (its namespace's init forwards SIGTERM; SIGKILL to it ends every
    /// process the evaluation started). stdout and stderr go to `errURL`. `tick` is called while
    /// it runs; it returns how many evaluations were added (each extends the time limit by
    /// `self.timeout`).
    func launch(_ variables: [String: String], stderr errURL: URL, timeout: TimeInterval,
                tick: () throws(ProbeError) -> Int = { 0 }) throws(ProbeError) -> Exit {
        guard FileManager.default.createFile(atPath: errURL.path, contents: nil), let errHandle = try? FileHandle(forWritingTo: errURL) else {
            throw ProbeError.io(path: errURL.path, reason: "cannot create the stderr capture file")
        }
        defer { try? errHandle.close() }
        let started = Date()
        let child: SpawnedChild
        do {
            child = try SpawnedChild.spawn(executable: python, arguments: [script], environment: environment.merging(variables) { _, new in new },
                                           workingDirectory: workingDirectory, sandbox: sandbox)
        } catch {
            throw ProbeError.launch(command: "\(python) \(script)", reason: error.description)
        }
        defer { child.close() }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var eof = false
        func drain() {
            while !eof {
                let n = buffer.withUnsafeMutableBytes { read(child.outputFD, $0.baseAddress, $0.count) }
                if n > 0 { errHandle.write(Data(buffer[0..<n])) } else if n == 0 { eof = true } else if errno != EINTR { return }
            }
        }
        var status: Int32 = 0
        var exited = false
        func reap(_ flags: Int32) {
            guard !exited else { return }
            if waitpid(child.pid, &status, flags) == child.pid { exited = true }
        }
        var timedOut = false
        var limit = timeout
        while !exited {
            do throws(ProbeError) {
                limit += self.timeout * Double(try tick())
            } catch {
                kill(child.pid, SIGKILL)
                reap(0)
                throw error
            }
            if Date().timeIntervalSince(started) > limit {
                timedOut = true
                kill(child.pid, SIGTERM)
                let grace = Date()
                while !exited, Date().timeIntervalSince(grace) < 2 { drain(); reap(WNOHANG); usleep(20_000) }
                if !exited { kill(child.pid, SIGKILL) }
                break
            }
            var fd = pollfd(fd: eof ? -1 : child.outputFD, events: Int16(POLLIN), revents: 0)
            _ = poll(&fd, 1, 10)
            drain()
            reap(WNOHANG)
        }
        reap(0)
        drain()
        let exit = child.commandExit(initStatus: status)
        let code: Int32? = if case .exited(let c) = exit { c } else { nil }
        return Exit(status: timedOut ? nil : code ?? (128 + Int32(exit.signalNumber)), timedOut: timedOut,
                    seconds: Date().timeIntervalSince(started), stderrTail: Self.tail(errURL))
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
        // Outputs of the submission: read only as regular files (a FIFO here must not hang the probe).
        if let data = try? EvidenceFile.readAll(nllURL, limit: max(16 * targets, 1 << 20)) {
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
        guard let distData = try? EvidenceFile.readAll(distURL, limit: 1 << 30),
              let text = String(data: distData, encoding: .utf8) else {
            if !positions.isEmpty { out.problems.append("no dists.jsonl written") }
            return out
        }
        for (i, line) in text.split(separator: "\n").enumerated() {
            if let problem = StrictJSON.check(Data(line.utf8)), problem.message.hasPrefix("duplicate key") {
                out.problems.append("dists.jsonl:\(i + 1): \(problem.message)")
                continue
            }
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

