import RefereeTrace
import Foundation
import RefereeCore
import RefereeLogs

/// A run of a log file, with whether its file is a byte-identical copy of an earlier one.
struct RunRef: Sendable {
    var run: RunLog
    /// The earlier file this one is a byte-identical copy of, nil when it is distinct.
    var duplicateOf: String?
    /// The file's path relative to the audited record (for messages), or as given.
    var name: String

    init(run: RunLog, duplicateOf: String?, name: String? = nil) {
        self.run = run
        self.duplicateOf = duplicateOf
        self.name = name ?? run.file
    }

    /// The run as named in messages: `train_seed42.log`, `train.log (run 2)`.
    var label: String {
        run.runIndex == 0 ? name : "\(name) (run \(run.runIndex + 1))"
    }

    var wholeFile: SourceLocation { SourceLocation(file: run.file, line: 0) }
}

/// ``AuditContext/allRuns`` and ``AuditContext/distinctRuns`` made once for an audit.
struct RunCache: Sendable {
    var all: [RunRef]
    var distinct: [RunRef]
}

extension AuditContext {
    /// Every run of every log, in log order, duplicates flagged: a file whose SHA-256 equals an
    /// earlier file's is a copy and its runs are not counted again. Made once per audit
    /// (``Auditor/audit(_:)`` fills ``AuditContext/runCache``); without the cache every check
    /// rebuilt it, which made an audit of a log with many appended runs quadratic-looking.
    var allRuns: [RunRef] { runCache?.all ?? collectRuns() }

    /// ``allRuns`` built from `logs` and `logDigests`.
    func collectRuns() -> [RunRef] {
        var firstByDigest: [String: String] = [:]
        var refs: [RunRef] = []
        for log in logs {
            var duplicateOf: String? = nil
            if let digest = logDigests[log.path] {
                if let first = firstByDigest[digest] {
                    duplicateOf = first
                } else {
                    firstByDigest[digest] = log.path
                }
            }
            for run in log.runs {
                refs.append(RunRef(run: run, duplicateOf: duplicateOf, name: shortName(run.file)))
            }
        }
        return refs
    }

    /// `file` relative to the audited record folder (for messages); as given for a single log.
    func shortName(_ file: String) -> String {
        guard folder != nil else { return file }
        let prefix = path.hasSuffix("/") ? path : path + "/"
        return file.hasPrefix(prefix) ? String(file.dropFirst(prefix.count)) : file
    }

    /// The runs counted once (byte-identical copies removed).
    var distinctRuns: [RunRef] { runCache?.distinct ?? allRuns.filter { $0.duplicateOf == nil } }

    /// A copy of this context whose ``allRuns`` and ``distinctRuns`` are made once.
    func withRunCache() -> AuditContext {
        var copy = self
        copy.runCache = nil
        let all = collectRuns()
        copy.runCache = RunCache(all: all, distinct: all.filter { $0.duplicateOf == nil })
        return copy
    }

    /// Distinct runs that have a score line.
    var scoredRuns: [(ref: RunRef, score: ScoreChoice)] {
        distinctRuns.compactMap { ref in ref.run.score.map { (ref, $0) } }
    }

    /// The mean val_bpb over distinct scored runs, nil when none.
    var meanScore: Double? {
        let scores = scoredRuns.map(\.score.eval.valBPB)
        return scores.isEmpty ? nil : scores.reduce(0, +) / Double(scores.count)
    }

    /// Referee's own val_bpb (see ``RecordAudit/measuredScore``).
    var measuredScore: Double? {
        // In decoy mode the traces scored the decoy, not the validation set: no validation score
        // can be made of them (the score that counts is the official evaluation's).
        guard let measured, !measured.trainedOnDecoy, let bytes = measured.data?.valBytes, bytes > 0 else { return nil }
        let seeds = measured.seedNumbers
        guard !seeds.isEmpty else { return nil }
        var values: [Double] = []
        for seed in seeds {
            guard let facts = traces.first(where: { $0.seed == seed }), facts.scoreEvents > 0 else { return nil }
            values.append(facts.nllSum / (Foundation.log(2.0) * Double(bytes)))
        }
        return values.reduce(0, +) / Double(values.count)
    }

    /// The location of submission.json as reported in evidence.
    var claimsLocation: SourceLocation? {
        claims.map { SourceLocation(file: $0.path, line: 0) }
    }
}

/// The seed a log's file name states, if any: `…seed42…`, or trailing digits of the name
/// (`ternary_log_1337.txt`, `train0.txt`).
enum FileNameSeed {
    static func parse(_ path: String) -> Int? {
        let name = (path as NSString).lastPathComponent
        let stem = (name as NSString).deletingPathExtension.lowercased()
        if let range = stem.range(of: "seed") {
            var rest = stem[range.upperBound...].drop { $0 == "_" || $0 == "-" || $0 == "=" }
            rest = rest.prefix { $0.isASCII && $0.isNumber }
            if !rest.isEmpty { return Int(rest) }
        }
        let trailing = stem.reversed().prefix { $0.isASCII && $0.isNumber }
        guard !trailing.isEmpty, trailing.count < stem.count else { return nil }
        let before = stem.dropLast(trailing.count)
        guard ["_", "-", "train", "log", "run"].contains(where: { before.hasSuffix($0) }) else { return nil }
        return Int(String(trailing.reversed()))
    }
}
