import Foundation

/// A module file a run imported, as Referee's start-up hook (`python/sitecustomize.py`) listed it
/// at each process's exit, classified by where it lies.
package struct ImportedModule: Sendable, Codable, Hashable {
    /// The path the process saw (inside the sandbox when there was one).
    package var path: String
    /// Size and SHA-256 of the file, for `record` and `outside` files Referee could read.
    package var bytes: Int?
    package var sha256: String?
    /// `record` (a code file of the record), `referee` (Referee's python helpers), `generated`
    /// (written during the run: the working folder's other files, the private /tmp), `launcher`
    /// (the python3 or torchrun Referee started: counted, not listed), `outside`
    /// (anything else that is not the standard library, an installed package, the data Referee
    /// supplied or a system file).
    package var origin: String
}

/// Reads the hook's `imports-<pid>.txt` files of one seed and classifies every path.
package enum ImportedModules {
    package struct Result: Sendable {
        /// Modules other than the standard library and installed packages.
        package var modules: [ImportedModule]
        /// How many files each origin had, `stdlib` and `site` included.
        package var counts: [String: Int]
        /// False when no process wrote a list (the hook did not run, or was interfered with).
        package var recorded: Bool
    }

    /// Where paths seen inside the run are on the host.
    package struct Mapping: Sendable {
        /// The working folder as the process saw it and as it is on the host.
        package var work: (inside: String, host: URL)
        /// Referee's python folder as the process saw it.
        package var python: String
        /// The record (code files named `codeNames` are its copies).
        package var record: URL
        package var codeNames: Set<String>
        /// Paths that were private to the run (the sandbox's tmpfs).
        package var privatePrefixes: [String]
        /// The data folder and tokenizer as the process saw them.
        package var data: [String] = []
        /// The launchers Referee started (python3, torchrun: resolved, real paths): their own
        /// script files are the launcher's, not the submission's.
        package var launchers: [String] = []
    }

    /// Files of the operating system a process may read (configuration, devices, kernel views).
    static let systemPrefixes = ["/proc", "/sys", "/dev", "/etc", "/usr/share", "/run"]

    package static func collect(from folder: URL, mapping: Mapping) -> Result {
        let fm = FileManager.default
        let lists = ((try? fm.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasPrefix("imports-") && $0.hasSuffix(".txt") }
        var stdlib: [String] = [], site: [String] = [], files = Set<String>()
        for name in lists {
            guard let text = try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8) else { continue }
            for line in text.split(separator: "\n") {
                if line.hasPrefix("#stdlib ") { stdlib.append(String(line.dropFirst(8))) }
                else if line.hasPrefix("#site ") { site.append(String(line.dropFirst(6))) }
                else if line.hasPrefix("/") { files.insert(String(line)) }
            }
        }
        var modules: [ImportedModule] = []
        var counts: [String: Int] = [:]
        func under(_ path: String, _ prefix: String) -> Bool { path == prefix || path.hasPrefix(prefix.hasSuffix("/") ? prefix : prefix + "/") }
        for path in files.sorted() {
            let origin: String
            var host: URL?
            if under(path, mapping.work.inside) {
                let relative = String(path.dropFirst(mapping.work.inside.count + 1))
                if mapping.codeNames.contains(relative) {
                    origin = "record"
                    host = mapping.record.appendingPathComponent(relative)
                } else {
                    origin = "generated"
                    host = mapping.work.host.appendingPathComponent(relative)
                }
            } else if under(path, mapping.python) {
                origin = "referee"
            } else if mapping.launchers.contains(path) {
                origin = "launcher"
            } else if mapping.data.contains(where: { under(path, $0) }) {
                origin = "data"
            } else if site.contains(where: { under(path, $0) }) {
                origin = "site"
            } else if stdlib.contains(where: { under(path, $0) }) {
                origin = "stdlib"
            } else if mapping.privatePrefixes.contains(where: { under(path, $0) }) {
                origin = "generated"
            } else if Self.systemPrefixes.contains(where: { under(path, $0) }) {
                origin = "system"
            } else {
                origin = "outside"
                host = URL(fileURLWithPath: path)
            }
            counts[origin, default: 0] += 1
            guard !["site", "stdlib", "system", "data", "launcher"].contains(origin) else { continue }
            var module = ImportedModule(path: path, bytes: nil, sha256: nil, origin: origin)
            if let host, let digest = try? FileDigest.of(host, relative: path) {
                module.bytes = digest.bytes
                module.sha256 = digest.sha256
            }
            modules.append(module)
        }
        return Result(modules: modules, counts: counts, recorded: !lists.isEmpty)
    }
}
