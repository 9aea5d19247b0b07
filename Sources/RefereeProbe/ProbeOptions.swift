import Foundation

/// What `referee probe` needs to probe one record.
package struct ProbeOptions: Sendable {
    /// The record folder (where `probes.json` is written by default).
    package var record: URL
    /// Folder the entry point runs in, where the artifact is (default: `record`).
    package var submission: URL?
    /// Folder holding `fineweb_val_*.bin` (the first shard in name order is probed).
    package var dataPath: URL
    /// SentencePiece model passed to the child as `TOKENIZER_PATH`, when given.
    package var tokenizerPath: URL?
    /// How many random positions get their full distribution dumped (the flip position is added).
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
    /// `--heldout-shards`: a folder of FineWeb-format held-out shards (same generator or
    /// distribution as validation, disjoint from it) that the campaign evaluates as its
    /// `heldout` evaluation (probes.json v2 `heldout` blocks, rule data.heldout-gap); nil: none.
    package var heldoutPath: URL? = nil

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
