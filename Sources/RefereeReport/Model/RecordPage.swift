import Foundation
import RefereeAudit

/// Everything a README or HTML report of a record shows, computed from evidence.
package struct RecordPage: Sendable {
    package var evidence: RecordEvidence
    package var results: RecordResults
    package var document: SubmissionDocument
    package var budgets: Budgets
    /// Folder (relative to the README) holding the SVG plots.
    package var plotsFolder: String

    package init(evidence: RecordEvidence, metadata: SubmissionMetadata, budgets: Budgets = Budgets(), comparison: Comparison? = nil, generator: String, plotsFolder: String = "plots") {
        self.evidence = evidence
        self.results = RecordResults(audit: evidence.audit)
        var document = SubmissionDocument(results: results, audit: evidence.audit, metadata: metadata, comparison: comparison, generator: generator)
        // No "Code size" line in any log: the code is the committed script's bytes.
        if document.bytesCode == nil, let script = evidence.files.first(where: { $0.path == "train_gpt.py" }) {
            document.bytesCode = script.bytes
        }
        self.document = document
        self.budgets = budgets
        self.plotsFolder = plotsFolder
    }

    package var audit: RecordAudit { evidence.audit }

    /// The plots as (file name, SVG text): one curve per distinct run, then the budget bars.
    package func plots() -> [(name: String, svg: String)] {
        var out: [(String, String)] = []
        for seed in results.seeds {
            out.append((CurvePlot.fileName(for: seed), CurvePlot.svg(seed: seed, run: evidence.runLog(file: seed.file, runIndex: seed.runIndex))))
        }
        out.append((BudgetPlot.fileName, BudgetPlot.svg(results, budgets: budgets)))
        return out
    }

    /// The script the record runs: `train_gpt.py` when present, else the first `.py` file.
    package var script: String {
        let paths = evidence.files.map(\.path)
        if paths.contains("train_gpt.py") { return "train_gpt.py" }
        return paths.first { $0.hasSuffix(".py") } ?? "train_gpt.py"
    }

    /// The command that re-runs every seed, as the records' READMEs give it: from run.json for a
    /// record `referee run` made (launcher, processes, seeds, entry, data and tokenizer flags,
    /// the `-- NAME=value` settings), else a torchrun loop over the logged seeds.
    package var reproductionCommand: String {
        if let measured = evidence.measured, let command = Self.refereeRunCommand(measured, track: audit.track) {
            return command
        }
        let loggedGPUs = results.seeds.compactMap { s -> Int? in
            guard let hw = s.hardware, let n = hw.split(separator: "×").first else { return nil }
            return Int(n)
        }.first
        let nproc = loggedGPUs ?? 8
        let seeds = results.seeds.compactMap(\.seed).map(String.init)
        if evidence.files.contains(where: { $0.path == "run.json" }), !seeds.isEmpty {
            // A record `referee run` produced: re-run it the same way (run.json holds the rest).
            return "referee run . --seeds \(seeds.joined(separator: ",")) --nproc-per-node \(loggedGPUs ?? 1) --track \(audit.track)"
        }
        let run = "torchrun --standalone --nproc_per_node=\(nproc) \(script)"
        if seeds.isEmpty { return run }
        return "for SEED in \(seeds.joined(separator: " ")); do\n  SEED=$SEED \(run)\ndone"
    }

    /// Names Referee itself sets in a seed's environment (never a `-- NAME=value` setting).
    static let refereeEnvironment: Set<String> = ["SEED", "RUN_ID", "DATA_PATH", "TOKENIZER_PATH", "PYTHONUNBUFFERED", "PYTHONPATH"]

    /// `referee run . …` rebuilt from run.json; nil when it names no seed.
    static func refereeRunCommand(_ m: MeasuredRecord, track: String) -> String? {
        let seeds = m.seedsRequested ?? m.seeds.compactMap(\.seed)
        guard !seeds.isEmpty else { return nil }
        let nproc = m.nprocPerNode ?? 1
        var words = ["referee", "run", ".", "--seeds", seeds.map(String.init).joined(separator: ","), "--nproc-per-node", String(nproc)]
        if nproc == 1, m.invocation?.torchrun ?? (m.launcher == "torchrun") { words.append("--torchrun") }
        words += ["--track", m.invocation?.track ?? track]
        if m.entry != "train_gpt.py" { words += ["--entry", m.entry] }
        if let data = m.dataPath { words += ["--data-path", data] }
        if let tokenizer = m.tokenizerPath { words += ["--tokenizer-path", tokenizer] }
        let settings = m.settings ?? (m.seeds.first?.environment ?? []).filter { word in
            let name = String(word.prefix { $0 != "=" })
            return !refereeEnvironment.contains(name) && !name.hasPrefix("REFEREE_")
        }
        if !settings.isEmpty { words.append("--"); words += settings }
        return words.map(shellQuoted).joined(separator: " ")
    }

    /// `word` as a POSIX shell reads it back: bare when safe, else single-quoted.
    static func shellQuoted(_ word: String) -> String {
        let safe = word.unicodeScalars.allSatisfy { c in
            (c.value < 128 && (CharacterSet.alphanumerics.contains(c))) || "-_./=,:@%+".unicodeScalars.contains(c)
        }
        if safe && !word.isEmpty { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The dataset the record ran on, from run.json; nil for records made elsewhere.
    package var datasetStatement: String? {
        evidence.measured.map { $0.datasetStatement(officialVal: evidence.officialValDigests) }
    }

    /// Hardware as Referee saw it (environment.json and the launcher), else nil.
    package var measuredHardware: String? {
        guard let m = evidence.measured, let models = m.gpuModels else { return nil }
        let world = m.nprocPerNode ?? 1
        if models.isEmpty { return "\(world) process\(world == 1 ? "" : "es"), no GPU seen by Referee" }
        let kinds = Dictionary(grouping: models, by: { $0 }).sorted { $0.key < $1.key }.map { "\($0.value.count)× \($0.key)" }.joined(separator: ", ")
        return "\(world) process\(world == 1 ? "" : "es") on \(kinds) (seen by Referee)"
    }

    /// Files the generator writes (excluded from "Included files").
    package static let generatedFiles: Set<String> = ["submission.json", "README.md"]

    /// Status words for tables.
    static func statusText(_ s: RuleStatus) -> String {
        switch s {
        case .pass: return "✅ pass"
        case .fail: return "❌ FAIL"
        case .unverifiable: return "⚠️ unverifiable"
        }
    }

    static func verdictText(_ v: Verdict) -> String {
        switch v {
        case .pass: return "✅ PASS"
        case .fail: return "❌ FAIL"
        case .incomplete: return "⚠️ INCOMPLETE (nothing failed; some rules could not be checked)"
        }
    }
}
