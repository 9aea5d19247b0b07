import ArgumentParser
import Foundation
import RefereeAudit
import RefereeBundle
import RefereeCore
import RefereeLogs

/// `--track ID | --rules FILE`, shared by every command that audits: which rule set applies to a
/// path, and the audit that `sign`, `verify` and `gate` run on a record.
struct RulesOptions: ParsableArguments {
    @Option(help: "Track whose built-in rules apply (default: the track the record folder declares, else track_10min_16mb).")
    var track: String?

    @Option(name: .customLong("rules"), help: ArgumentHelp("A rules TOML file to use instead of the built-in rules.", valueName: "FILE"))
    var rulesFile: String?

    func validate() throws {
        if track != nil && rulesFile != nil { throw ValidationError("use --track or --rules, not both") }
    }

    /// `--track`, else the track `url` declares (its parent folder or submission.json), else
    /// `track_10min_16mb`.
    func trackName(for url: URL) -> String {
        track ?? EvidenceLoader().track(of: url) ?? "track_10min_16mb"
    }

    /// The rules for `url`: `--rules FILE` when given, else the track's file under `Rules/`.
    func ruleSet(for url: URL) throws -> RuleSet {
        if let rulesFile { return try RuleSet.load(URL(fileURLWithPath: rulesFile)) }
        return try RuleSet.builtin(track: trackName(for: url))
    }

    /// The rules for a path whose evidence is loaded (`folder`: `AuditContext.folder`), each
    /// rules file parsed once however many paths share it (`cache` is keyed by track or file).
    func ruleSet(for url: URL, folder: RecordFolder?, cache: inout [String: RuleSet]) throws -> RuleSet {
        let key = rulesFile.map { "file:" + $0 } ?? (track ?? EvidenceLoader().track(of: url, folder: folder) ?? "track_10min_16mb")
        if let cached = cache[key] { return cached }
        let set: RuleSet
        if let rulesFile {
            set = try RuleSet.load(URL(fileURLWithPath: rulesFile))
        } else {
            set = try RuleSet.builtin(track: key)
        }
        cache[key] = set
        return set
    }

    /// The audit a bundle signs and verification re-runs, with paths relative to the record.
    /// Rules are loaded when the audit runs, so a verify whose rules cannot load still checks
    /// the signature and files, then reports precisely that the audit could not run.
    /// The audit runs on the snapshot that sign / verify hashed: the folder is not read again,
    /// and its evidence gives the track as well.
    func auditProvider(for record: URL) -> AuditProvider {
        let options = self
        return { snapshot in
            let context = try EvidenceLoader().context(snapshot: snapshot, displayPath: "")
            var cache: [String: RuleSet] = [:]
            let rules = try options.ruleSet(for: snapshot.root, folder: context.folder, cache: &cache)
            return Auditor(rules: rules).audit(context)
        }
    }

    /// The record audit behind every bundle (`referee run` signs with the same one), on the
    /// snapshot that was hashed.
    static func audit(_ snapshot: RecordSnapshot, rules: RuleSet) throws -> RecordAudit {
        try Auditor(rules: rules).audit(snapshot: snapshot, displayPath: "")
    }
}
