import Foundation

/// Builds the command and environment of each seed.
///
/// torchrun (`--standalone --nproc_per_node=N`) when N > 1 or it is asked for, else python3.
/// Referee sets SEED, RUN_ID, DATA_PATH, TOKENIZER_PATH (when given), PYTHONUNBUFFERED=1,
/// REFEREE_TRACE_DIR and prepends `<referee home>/python` to PYTHONPATH; `extraEnvironment`
/// (from `-- NAME=value …`) is applied last, so it can override anything but the trace directory
/// and the seed.
///
/// With `autotrace`, the entry script runs unmodified under Referee's observation hooks:
/// `python3 -m referee_autotrace <script>` or `torchrun … -m referee_autotrace <script>` (module
/// `python/referee_autotrace`, found through the PYTHONPATH above; docs/autotrace.md).
package struct LaunchPlan: Sendable {
    package var python: String
    package var torchrun: String
    package var nprocPerNode: Int
    package var forceTorchrun: Bool
    package var dataPath: String?
    package var tokenizerPath: String?
    package var refereeHome: URL?
    package var extraEnvironment: [String: String]
    package var baseEnvironment: [String: String]
    /// Where the child finds Referee's python helpers (default `<refereeHome>/python`); the
    /// sandbox binds them read-only at another path.
    package var pythonDir: String?
    /// Run the entry script under `referee_autotrace` (observed trace, docs/autotrace.md).
    package var autotrace: Bool = false
    /// Arguments put after torchrun's `--standalone --nproc_per_node=N` (``TorchrunCompatibility``).
    package var torchrunArguments: [String] = []

    package init(python: String = "python3", torchrun: String = "torchrun", nprocPerNode: Int = 1, forceTorchrun: Bool = false,
                dataPath: String? = nil, tokenizerPath: String? = nil, refereeHome: URL? = nil,
                extraEnvironment: [String: String] = [:], baseEnvironment: [String: String] = ProcessInfo.processInfo.environment) {
        self.python = python
        self.torchrun = torchrun
        self.nprocPerNode = nprocPerNode
        self.forceTorchrun = forceTorchrun
        self.dataPath = dataPath
        self.tokenizerPath = tokenizerPath
        self.refereeHome = refereeHome
        self.extraEnvironment = extraEnvironment
        self.baseEnvironment = baseEnvironment
    }

    package var usesTorchrun: Bool { forceTorchrun || nprocPerNode > 1 }
    package var launcher: String { usesTorchrun ? "torchrun" : "python3" }

    /// The variables Referee adds for `seed` (the record's `environment` list).
    package func addedEnvironment(seed: Int, runId: String, traceDir: URL) -> [String: String] {
        var env: [String: String] = ["SEED": String(seed), "RUN_ID": runId, "PYTHONUNBUFFERED": "1"]
        if let dataPath { env["DATA_PATH"] = dataPath }
        if let tokenizerPath { env["TOKENIZER_PATH"] = tokenizerPath }
        if let probe = pythonDir ?? refereeHome?.appendingPathComponent("python").path {
            env["PYTHONPATH"] = [probe, baseEnvironment["PYTHONPATH"]].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ":")
        }
        for (key, value) in extraEnvironment { env[key] = value }
        env["SEED"] = String(seed)
        env["REFEREE_TRACE_DIR"] = traceDir.path
        return env
    }

    /// The launch of `script` for one seed, in `workingDirectory`.
    package func spec(script: URL, seed: Int, runId: String, traceDir: URL, workingDirectory: URL) -> LaunchSpec {
        var env = baseEnvironment
        for (key, value) in addedEnvironment(seed: seed, runId: runId, traceDir: traceDir) { env[key] = value }
        let entry = autotrace ? ["-m", "referee_autotrace", script.path] : [script.path]
        if usesTorchrun {
            return LaunchSpec(executable: torchrun, arguments: ["--standalone", "--nproc_per_node=\(nprocPerNode)"] + torchrunArguments + entry,
                              environment: env, workingDirectory: workingDirectory.path)
        }
        return LaunchSpec(executable: python, arguments: entry, environment: env, workingDirectory: workingDirectory.path)
    }

    /// Finds Referee's checkout (the folder holding `python/referee_probe.py`): `REFEREE_HOME`
    /// when set, else walking up from the executable's path; at each level an installed layout
    /// (`share/referee/python/referee_probe.py`, as `scripts/install.sh` lays it out under its
    /// prefix) counts too.
    package static func locateHome(environment: [String: String] = ProcessInfo.processInfo.environment,
                                  executable: String = CommandLine.arguments.first ?? "") -> URL? {
        let fm = FileManager.default
        if let home = environment["REFEREE_HOME"], !home.isEmpty { return URL(fileURLWithPath: home) }
        var url = URL(fileURLWithPath: executable).resolvingSymlinksInPath()
        while url.path != "/" && !url.path.isEmpty {
            url.deleteLastPathComponent()
            if fm.fileExists(atPath: url.appendingPathComponent("python/referee_probe.py").path) { return url }
            let installed = url.appendingPathComponent("share/referee")
            if fm.fileExists(atPath: installed.appendingPathComponent("python/referee_probe.py").path) { return installed }
        }
        return nil
    }
}
