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
/// `seed_started`, `seed_ended`, `runs_complete` (every seed ended, outputs copied, integrity
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

    /// Appends one event and syncs it to disk.
    package func append(_ event: String, _ fields: [String: JournalValue] = [:]) {
        var object = fields
        object["event"] = .text(event)
        object["at"] = .number(Clock.wall())
        let body = object.keys.sorted().map { "\(Self.quote($0)):\(object[$0]!.json)" }.joined(separator: ",")
        let line = Array("{\(body)}\n".utf8)
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

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}

/// A value in a journal line.
package enum JournalValue: Sendable {
    case text(String)
    case number(Double)
    case int(Int)

    var json: String {
        switch self {
        case .text(let s): return Journal.quote(s)
        case .number(let d): return String(format: "%.6f", d)
        case .int(let i): return String(i)
        }
    }
}
