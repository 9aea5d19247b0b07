import Foundation
import RefereeCore
import RefereeCrypto

/// `journal.jsonl`, the append-only log of `referee run`'s own steps (docs/runner.md): which
/// events it reached. A run whose Referee process was killed has a journal that never reaches
/// `runs_complete`.
package struct RunJournal: Hashable, Sendable {
    /// The journal as reported in evidence.
    package var path: String
    /// Event names in file order.
    package var events: [String]
    /// Seeds named by `seed_started` events.
    package var startedSeeds: [Int]

    package static let fileName = "journal.jsonl"
    package static let completeEvent = "runs_complete"

    /// True when the run reached the point where every seed had ended and run.json was written.
    package var complete: Bool { events.contains(Self.completeEvent) }

    /// Reads the journal of a record folder; nil when there is none. Lines are JSON objects
    /// with an `event` string; a line that is not is bad evidence.
    package static func load(folder: URL, shown: (String) -> String) throws(AuditError) -> RunJournal? {
        let url = folder.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw AuditError.badEvidence(path: shown(fileName), reason: "cannot read the journal")
        }
        return try parse(data, shown: shown)
    }

    /// ``load(folder:shown:)`` from the bytes of a record's snapshot (the bytes hashed).
    package static func load(snapshot: RecordSnapshot, shown: (String) -> String) throws(AuditError) -> RunJournal? {
        guard snapshot.file(fileName) != nil || snapshot.isFolder(fileName) else { return nil }
        guard let data = try? snapshot.contents(of: fileName) else {
            throw AuditError.badEvidence(path: shown(fileName), reason: "cannot read the journal")
        }
        return try parse(data, shown: shown)
    }

    private static func parse(_ data: Data, shown: (String) -> String) throws(AuditError) -> RunJournal {
        var journal = RunJournal(path: shown(fileName), events: [], startedSeeds: [])
        for (index, line) in data.split(separator: 0x0A).enumerated() where !line.isEmpty {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                  let event = object["event"] as? String else {
                throw AuditError.badEvidence(path: "\(shown(fileName)):\(index + 1)", reason: "expected a JSON object with an \"event\" string")
            }
            journal.events.append(event)
            if event == "seed_started", let seed = object["seed"] as? Int { journal.startedSeeds.append(seed) }
        }
        return journal
    }
}
