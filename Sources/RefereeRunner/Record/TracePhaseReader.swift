import Foundation
import RefereeCore

/// Reads the `phase` events of a seed's trace files (`rank*.jsonl`), keeping for each name the
/// earliest time any rank wrote. Lines that are not JSON objects are skipped here: judging the
/// trace is the auditor's job, this is only a report beside Referee's own clock.
enum TracePhaseReader {
    static func phases(in dir: URL) -> [TracePhase] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [])
            .filter { $0.hasPrefix("rank") && $0.hasSuffix(".jsonl") }.sorted()
        var earliest: [String: Double] = [:]
        for name in names {
            guard let reader = try? LineReader(url: dir.appendingPathComponent(name), maxLineBytes: 1 << 16) else { continue }
            for line in reader where line.text.contains("\"phase\"") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.text.utf8)) as? [String: Any],
                      object["ev"] as? String == "phase",
                      let phase = object["name"] as? String,
                      let t = (object["t"] as? NSNumber)?.doubleValue else { continue }
                earliest[phase] = min(earliest[phase] ?? t, t)
            }
        }
        return earliest.map { TracePhase(name: $0.key, t: $0.value) }.sorted { ($0.t, $0.name) < ($1.t, $1.name) }
    }
}
