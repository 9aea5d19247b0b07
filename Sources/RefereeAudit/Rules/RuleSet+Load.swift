import Foundation
import RefereeCore
import RefereeCrypto

extension RuleSet {
    /// Environment variable naming the folder that holds `<track>.toml` rule files.
    package static let rulesDirEnvironment = "REFEREE_RULES_DIR"

    /// Reads and validates a rule file. The digest is the SHA-256 of the file's exact bytes.
    ///
    /// Throws ``AuditError/badRules(path:line:expected:)`` naming the file, the line and what was
    /// expected when the file cannot be read, is not valid UTF-8, or breaks the rule-file schema.
    package static func load(_ url: URL) throws(AuditError) -> RuleSet {
        let data: Data
        do {
            data = try EvidenceFile.readAll(url, limit: 4 << 20)
        } catch {
            throw AuditError.badRules(path: url.path, line: nil, expected: "a readable rules file (\(error.description))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw AuditError.badRules(path: url.path, line: nil, expected: "UTF-8 text")
        }
        return try parse(text, path: url.path, digest: SHA256.hex(data))
    }

    /// Builds a rule set from rule-file text. `path` is used in errors; `digest` is stored as is.
    package static func parse(_ text: String, path: String, digest: String) throws(AuditError) -> RuleSet {
        let doc = try TOMLParser(path: path).parse(text)
        let schema = RuleFileSchema(path: path)
        try schema.checkKeys(doc.root, allowed: ["track", "version"], what: "top-level key")
        for name in doc.arrays.keys where name != "rule" {
            let line = doc.arrays[name]?.first?.line
            throw AuditError.badRules(path: path, line: line, expected: "only [[rule]] tables, not [[\(name)]]")
        }
        let track = try schema.string("track", in: doc.root)
        let version = try schema.string("version", in: doc.root)
        var rules: [Rule] = []
        var seen: [String: Int] = [:]
        for table in doc.arrays["rule"] ?? [] {
            let rule = try schema.rule(table)
            if let first = seen[rule.id] {
                throw AuditError.badRules(path: path, line: table.line, expected: "unique rule ids, but '\(rule.id)' is already defined at line \(first)")
            }
            seen[rule.id] = table.line
            rules.append(rule)
        }
        guard !rules.isEmpty else {
            throw AuditError.badRules(path: path, line: nil, expected: "at least one [[rule]] table")
        }
        return RuleSet(track: track, version: version, digest: digest, rules: rules)
    }

    /// The tracks whose rules are compiled into this binary (from `Rules/*.toml`, see
    /// `scripts/generate-builtin-rules.sh`), sorted.
    package static var builtinTracks: [String] { builtinFiles.keys.sorted() }

    /// The rules of `track` (e.g. `track_10min_16mb`): `<track>.toml` in the folder named by
    /// `REFEREE_RULES_DIR` when that variable is set and the file exists there, else the copy
    /// compiled into the binary (byte for byte `Rules/<track>.toml`, so the digest is the file's).
    /// No folder beside the executable or the current directory is searched: a copied binary
    /// behaves the same anywhere.
    ///
    /// Throws ``AuditError/unknownTrack(_:searched:)`` listing where it looked (and saying how
    /// to add a track) when neither has the track; ``AuditError/badRules(path:line:expected:)``
    /// when the override file is malformed or declares another track.
    package static func builtin(track: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(AuditError) -> RuleSet {
        var searched: [String] = []
        if let dir = environment[rulesDirEnvironment], !dir.isEmpty {
            let file = URL(fileURLWithPath: dir).appendingPathComponent("\(track).toml")
            if FileManager.default.fileExists(atPath: file.path) {
                let set = try load(file)
                guard set.track == track else {
                    throw AuditError.badRules(path: file.path, line: nil, expected: "track = \"\(track)\" to match the file name, found \"\(set.track)\"")
                }
                return set
            }
            searched.append("\(rulesDirEnvironment)=\(dir) (no \(track).toml there)")
        } else {
            searched.append("\(rulesDirEnvironment) (not set)")
        }
        if let text = builtinFiles[track] {
            return try parse(text, path: "<built-in>/\(track).toml", digest: SHA256.hex(Data(text.utf8)))
        }
        searched.append("the rules built into referee (\(builtinTracks.joined(separator: ", ")))")
        throw AuditError.unknownTrack(track, searched: searched)
    }
}
