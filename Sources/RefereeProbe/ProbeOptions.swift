import Foundation

/// What `referee probe` needs to probe one record.
package struct ProbeOptions: Sendable {
    /// The record folder (where `probes.json` is written by default).
    package var record: URL
    /// Folder the entry point runs in, where the artifact is (default: `record`).
    package var submission: URL?
    /// Folder holding `fineweb_val_*.bin` (all of them, in name order, are the validation stream).
    package var dataPath: URL
    /// SentencePiece model passed to the child as `TOKENIZER_PATH`, when given.
    package var tokenizerPath: URL?
    /// How many random positions get their full distribution dumped (the cuts and 2 document starts are added).
    package var positions: Int
    /// Seed of the random draws; nil draws one from the system generator (it is recorded).
    package var seed: UInt64?
    /// Where to write the report (default `record/probes.json`).
    package var out: URL?
    /// Script run with `python3` in `submission` (default `train_gpt.py`); an absolute path is
    /// run as is, still with `submission` as the working directory.
    package var script: String
    /// Python interpreter name or path (default `python3`).
    package var python: String
    /// Folders prepended to the child's PYTHONPATH (the repository's `python/` folder).
    package var pythonPath: [URL]
    /// Seconds one eval run may take before it is killed.
    package var timeout: TimeInterval
    /// Run every evaluation in Referee's sandbox when the kernel allows it (default true).
    package var sandbox: Bool = true
    /// Evaluations besides `official` (`--probe-budget`, ≥ 2): 1 control + (budget − 1) cuts;
    /// the held-out evaluation is one more when `heldoutPath` is given.
    package var budget: Int = 4
    /// False: `official` and `control` only (the seeds that are not probed).
    package var withCuts: Bool = true
    /// The artifact to evaluate (default: the first file named like a saved model in `submission`).
    package var artifact: URL?
    /// The code files handed to every evaluation (default: the `.py` files beside the script).
    package var codeFiles: [URL]?
    /// A folder of held-out shards: all `*.bin` in it, concatenated in name order, are evaluated
    /// once more (`heldout`); nil: no held-out evaluation.
    package var heldoutPath: URL?
    /// `NAME=value` settings of the run (`referee run … -- NAME=value`), given to every
    /// evaluation alike (a submission may need its hyperparameters to load its artifact).
    package var extraEnvironment: [String: String] = [:]

    /// Parses `NAME=value` words (run.json `settings`); words without `=` are ignored.
    package static func environment(fromSettings words: [String]) -> [String: String] {
        var env: [String: String] = [:]
        for word in words {
            guard let eq = word.firstIndex(of: "="), eq != word.startIndex else { continue }
            env[String(word[..<eq])] = String(word[word.index(after: eq)...])
        }
        return env
    }

    package init(record: URL, submission: URL? = nil, dataPath: URL, tokenizerPath: URL? = nil, positions: Int = 8,
                seed: UInt64? = nil, out: URL? = nil, script: String = "train_gpt.py", python: String = "python3",
                pythonPath: [URL] = [], timeout: TimeInterval = 600) {
        self.record = record
        self.submission = submission
        self.dataPath = dataPath
        self.tokenizerPath = tokenizerPath
        self.positions = positions
        self.seed = seed
        self.out = out
        self.script = script
        self.python = python
        self.pythonPath = pythonPath
        self.timeout = timeout
    }

    /// The repository's `python/` folder (holding `referee_probe.py`), searched upward from
    /// `start`; nil when none is found.
    package static func findPythonHelper(from start: URL) -> URL? {
        var url = start.standardizedFileURL
        while true {
            let candidate = url.appendingPathComponent("python")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("referee_probe.py").path) {
                return candidate
            }
            if url.path == "/" { return nil }
            url.deleteLastPathComponent()
        }
    }
}
