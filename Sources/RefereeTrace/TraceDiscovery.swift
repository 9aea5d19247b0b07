import Foundation
import RefereeCore

/// Finds the trace and probe evidence a record folder holds.
///
/// Layout written by `referee run`: `traces/seed<SEED>/rank<R>.jsonl` and `probes.json`.
package enum TraceDiscovery {
    /// The trace facts of every `traces/seed*/` folder under `recordRoot`, sorted by seed.
    /// Returns an empty array when the record has no traces. A folder that cannot be read
    /// becomes facts carrying the problem, never a crash.
    package static func traces(in recordRoot: URL) -> [TraceFacts] {
        let tracesDir = recordRoot.appendingPathComponent("traces")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: tracesDir.path) else { return [] }
        let seeds = names.compactMap { name -> (Int, String)? in
            guard name.hasPrefix("seed"), let seed = Int(name.dropFirst(4)) else { return nil }
            var isDir: ObjCBool = false
            let path = tracesDir.appendingPathComponent(name).path
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else { return nil }
            return (seed, name)
        }.sorted { $0.0 < $1.0 }
        return seeds.map { seed, name in
            facts(of: tracesDir.appendingPathComponent(name), seed: seed, recordRoot: recordRoot)
        }
    }

    /// The facts of one seed folder; a folder that cannot be listed gives facts naming why.
    private static func facts(of dir: URL, seed: Int, recordRoot: URL) -> TraceFacts {
        do {
            return try TraceAnalyzer.analyse(directory: dir, seed: seed, displayRoot: recordRoot)
        } catch {
            let display = "traces/\(dir.lastPathComponent)"
            var facts = TraceFacts(directory: display, seed: seed)
            facts.malformed.append(TraceFinding(SourceLocation(file: display, line: 0), error.description))
            return facts
        }
    }

    /// The probe report stored in `recordRoot/probes.json`, nil when absent. A file that
    /// exists but cannot be decoded gives a report whose `problems` say so.
    package static func probes(in recordRoot: URL) -> ProbeReport? {
        let url = recordRoot.appendingPathComponent(ProbeReport.fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            return probes(from: try EvidenceFile.readAll(url), directory: recordRoot.path)
        } catch {
            var report = ProbeReport(directory: recordRoot.path)
            report.problems.append("\(ProbeReport.fileName): not a probe report (\(error))")
            return report
        }
    }

    /// The official evaluations of the seeds that were not probed: every
    /// `evaluations/seed<S>.json` (probes.json v2 without cuts), in name order.
    package static func evaluations(in recordRoot: URL) -> [ProbeReport] {
        let dir = recordRoot.appendingPathComponent("evaluations")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasPrefix("seed") && $0.hasSuffix(".json") }.sorted()
        return names.compactMap { name in
            let url = dir.appendingPathComponent(name)
            guard let data = try? EvidenceFile.readAll(url) else { return nil }
            return probes(from: data, directory: recordRoot.path)
        }
    }

    /// The probe report in `data` (the bytes of a probes.json); a report whose `problems` say
    /// what is wrong when the bytes are not one (duplicate keys included).
    package static func probes(from data: Data, directory: String) -> ProbeReport {
        do {
            try StrictJSON.requireUnambiguous(data, path: ProbeReport.fileName)
            return try JSONDecoder().decode(ProbeReport.self, from: data)
        } catch {
            var report = ProbeReport(directory: directory)
            report.problems.append("\(ProbeReport.fileName): not a probe report (\(error))")
            return report
        }
    }
}
