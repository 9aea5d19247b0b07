import Foundation

/// Everything `referee run` was asked to do.
package struct RunConfiguration: Sendable {
    /// The submission folder (holds the entry script, e.g. `train_gpt.py`).
    package var recordDir: URL
    /// The output record folder (`--out`).
    package var outDir: URL
    package var seeds: [Int]
    package var track: String
    package var entryScript: String
    package var launch: LaunchPlan
    package var caps: PhaseCaps
    /// Try `unshare --net` (loopback only); false records `disabled`.
    package var isolateNetwork: Bool
    package var keyPath: URL?
    package var refereeVersion: String
    /// Collect `environment.json` (tests turn it off to stay fast).
    package var captureEnvironment: Bool
    /// Run every submission process in the sandbox (RefereeSandbox) when the kernel allows it;
    /// false (`--no-sandbox`) records `sandbox.mechanism: none`, which `runner.sandbox` reports.
    package var sandbox: Bool = true
    /// Glob patterns of the declared artifact in the working folder (`--artifact`).
    package var artifactPatterns: [String] = ["*.ptz"]
    /// The `-- NAME=value` words as given (for run.json and the reproduction command).
    package var settingsWords: [String] = []
    /// `--training-validation`: nil decides from the entry script
    /// (``TrainingValidationMode/detect(entryScript:)``).
    package var trainingValidation: TrainingValidationMode? = nil
    /// `--heldout-shards`: a folder of FineWeb-format held-out shards, hidden from training and
    /// recorded in run.json (`heldout`); Referee's evaluation campaign evaluates it.
    package var heldoutPath: URL? = nil

    package init(recordDir: URL, outDir: URL, seeds: [Int], track: String = "track_10min_16mb", entryScript: String = "train_gpt.py",
                launch: LaunchPlan = LaunchPlan(), caps: PhaseCaps = .tenMinuteTrack, isolateNetwork: Bool = true,
                keyPath: URL? = nil, refereeVersion: String, captureEnvironment: Bool = true) {
        self.recordDir = recordDir
        self.outDir = outDir
        self.seeds = seeds
        self.track = track
        self.entryScript = entryScript
        self.launch = launch
        self.caps = caps
        self.isolateNetwork = isolateNetwork
        self.keyPath = keyPath
        self.refereeVersion = refereeVersion
        self.captureEnvironment = captureEnvironment
    }

    /// `records/<track>/<YYYY-MM-DD>_<name of the submission folder>`, the default `--out`.
    package static func defaultOut(track: String, recordDir: URL, date: Date = Date()) -> URL {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        let name = recordDir.standardizedFileURL.lastPathComponent
        return URL(fileURLWithPath: "records").appendingPathComponent(track).appendingPathComponent("\(formatter.string(from: date))_\(name)")
    }

    /// Parses `--seeds 1337,42,2025`; throws on an empty list, a non-integer or a repeat.
    package static func parseSeeds(_ text: String) throws(RunnerError) -> [Int] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        var seeds: [Int] = []
        for part in parts {
            guard let seed = Int(part) else {
                throw RunnerError.badInput(path: "--seeds", reason: "expected comma-separated integers like 1337,42,2025, got '\(part)' in '\(text)'")
            }
            guard !seeds.contains(seed) else {
                throw RunnerError.badInput(path: "--seeds", reason: "seed \(seed) is listed twice")
            }
            seeds.append(seed)
        }
        guard !seeds.isEmpty else { throw RunnerError.badInput(path: "--seeds", reason: "no seed given") }
        return seeds
    }

    /// Parses the `NAME=value` words after `--`.
    package static func parseEnvironment(_ words: [String]) throws(RunnerError) -> [String: String] {
        var env: [String: String] = [:]
        for word in words {
            guard let eq = word.firstIndex(of: "="), eq != word.startIndex else {
                throw RunnerError.badInput(path: "-- \(word)", reason: "expected NAME=value after '--'")
            }
            env[String(word[..<eq])] = String(word[word.index(after: eq)...])
        }
        return env
    }
}
