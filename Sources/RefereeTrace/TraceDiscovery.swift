import Foundation
import RefereeCore
import RefereeCrypto

/// Finds the trace and probe evidence a record folder holds.
///
/// Layout written by `referee run`: `traces/seed<SEED>/rank<R>.jsonl` and `probes.json`.
package enum TraceDiscovery {
    /// The trace facts of every `traces/seed*/` folder under `recordRoot`, sorted by seed.
    /// Returns an empty array when the record has no traces. A folder that cannot be read
    /// becomes facts carrying the problem, never a crash.
    /// `documents`: the validation stream's documents, when Referee measured them (run.json).
    package static func traces(in recordRoot: URL, documents: DocumentIndex? = nil) -> [TraceFacts] {
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
            facts(of: tracesDir.appendingPathComponent(name), seed: seed, recordRoot: recordRoot, documents: documents)
        }
    }

    /// The facts of one seed folder; a folder that cannot be listed gives facts naming why.
    private static func facts(of dir: URL, seed: Int, recordRoot: URL, documents: DocumentIndex?) -> TraceFacts {
        do {
            return try TraceAnalyzer.analyse(directory: dir, seed: seed, displayRoot: recordRoot, documents: documents)
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

    // MARK: From a snapshot (sign and verify: the bytes that were hashed)

    /// ``traces(in:)`` of a record's ``RecordSnapshot``: the same facts, read from the bytes
    /// hashed into the snapshot. A rank file too large to keep is read again from disk and
    /// hashed as it is read; when that digest differs from the snapshot's, the facts carry a
    /// malformed finding saying so.
    package static func traces(in snapshot: RecordSnapshot, documents: DocumentIndex? = nil) -> [TraceFacts] {
        guard snapshot.isFolder("traces") else { return [] }
        let seeds = snapshot.subfolders(of: "traces").compactMap { name -> (Int, String)? in
            guard name.hasPrefix("seed"), let seed = Int(name.dropFirst(4)) else { return nil }
            return (seed, name)
        }.sorted { $0.0 < $1.0 }
        return seeds.map { seed, name in
            let folder = "traces/" + name
            let names = snapshot.children(of: folder).map { String($0.path.dropFirst(folder.count + 1)) }
                + snapshot.subfolders(of: folder)
            var checks: [(String, () -> String?)] = []
            var facts = TraceAnalyzer.analyse(display: folder, seed: seed, names: names, documents: documents) { file throws(CoreError) in
                let (reader, check) = try snapshot.lineReader(of: folder + "/" + file)
                checks.append((folder + "/" + file, check))
                return reader
            }
            for (path, check) in checks {
                if let problem = check() { facts.malformed.append(TraceFinding(SourceLocation(file: path, line: 0), problem)) }
            }
            return facts
        }
    }

    /// ``probes(in:)`` of a record's snapshot.
    package static func probes(in snapshot: RecordSnapshot) -> ProbeReport? {
        guard snapshot.file(ProbeReport.fileName) != nil || snapshot.isFolder(ProbeReport.fileName) else { return nil }
        do {
            guard let data = try snapshot.contents(of: ProbeReport.fileName) else {
                throw CoreError.io(path: snapshot.url(of: ProbeReport.fileName).path, reason: "is a folder, not a regular file")
            }
            return probes(from: data, directory: snapshot.root.path)
        } catch {
            var report = ProbeReport(directory: snapshot.root.path)
            report.problems.append("\(ProbeReport.fileName): not a probe report (\(error))")
            return report
        }
    }

    /// ``evaluations(in:)`` of a record's snapshot.
    package static func evaluations(in snapshot: RecordSnapshot) -> [ProbeReport] {
        let names = snapshot.children(of: "evaluations").map { String($0.path.dropFirst("evaluations/".count)) }
            .filter { $0.hasPrefix("seed") && $0.hasSuffix(".json") }.sorted()
        return names.compactMap { name in
            guard let data = try? snapshot.contents(of: "evaluations/" + name) else { return nil }
            return probes(from: data, directory: snapshot.root.path)
        }
    }
}
