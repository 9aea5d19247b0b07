import Foundation
import RefereeCore
#if canImport(Glibc)
import Glibc
#endif

/// `journal.jsonl`: an append-only line per step of `referee run`, fsync'd as it is written, so
/// that a run whose Referee process was killed leaves a record saying how far it got. A record
/// whose journal lacks the `runs_complete` event audits as incomplete.
///
/// Each line: `{"at": <unix s>, "event": "<name>", …}` with sorted keys. Events: `run_started`,
/// `torchrun_compatibility` (the torchrun arguments added for PyTorch 1.13 on Python ≥ 3.11,
/// ``TorchrunCompatibility``), `seed_started`, `seed_ended`, `runs_complete` (every seed ended, outputs copied, integrity
/// checked, run.json written), `post_run_step`.
package final class Journal: @unchecked Sendable {
    // One writer (the runner's thread); the descriptor is the only state.
    private let fd: Int32
    package let url: URL

    package static let fileName = "journal.jsonl"
    package static let completeEvent = "runs_complete"

    package init(folder: URL) throws(RunnerError) {
        url = folder.appendingPathComponent(Self.fileName)
        fd = open(url.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RunnerError.io(path: url.path, reason: "cannot open the journal: \(String(cString: strerror(errno)))") }
    }

    deinit { close(fd) }

    /// Appends one event (canonical JSON, one line) and syncs it to disk.
    package func append(_ event: String, _ fields: [String: JSONValue] = [:]) {
        var object = fields
        object["event"] = .string(event)
        object["at"] = .double(Clock.wall())
        guard var line = try? CanonicalJSON.encode(JSONValue.object(object), pretty: false) else { return }
        line.append(0x0A)
        line.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { if errno == EINTR { continue }; return }
                offset += n
            }
        }
        fsync(fd)
    }
}
