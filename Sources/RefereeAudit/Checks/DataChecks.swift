import Foundation
import RefereeCore

/// `data.official-val`: the validation shards Referee supplied are the official ones, by SHA-256.
enum DataChecks {
    static let all: [String: RuleCheck] = [
        "data.official-val": officialVal,
    ]

    /// The pinned digests of a rule: `val_sha256` parameter, comma- or space-separated.
    static func pinned(_ rule: Rule?) -> Set<String> {
        guard let text = rule?.parameters["val_sha256"] else { return [] }
        return Set(text.lowercased().split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init).filter { !$0.isEmpty })
    }

    static func officialVal(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        let official = pinned(rule)
        let shards = (context.measured?.data?.shards ?? []).filter { $0.split == "val" }
        let measuredText = shards.isEmpty ? "" : "; the record's validation shards: " + shards.map { "\($0.name ?? "?") sha256 \($0.sha256.map { String($0.prefix(16)) + "…" } ?? "?")" }.joined(separator: ", ")
        guard !official.isEmpty else {
            return rule.unverifiable("the track pins no official validation shard digest (parameter val_sha256)\(measuredText)")
                .resting(on: shards.isEmpty ? .logged : .measured)
        }
        guard !shards.isEmpty else {
            return rule.unverifiable("run.json records no validation shard digests (data.shards): the data the run was scored on is unknown")
        }
        let bad = shards.filter { !official.contains(($0.sha256 ?? "").lowercased()) }
        if !bad.isEmpty {
            let evidence = bad.map { Evidence("\($0.name ?? "?"): sha256 \($0.sha256 ?? "none") is not a pinned official validation shard", at: context.runJSON) }
            return rule.fail("\(bad.count) validation shard(s) are not the official ones", evidence).resting(on: .measured)
        }
        return rule.pass("every validation shard (\(shards.count)) has a pinned official digest", [Evidence("data.shards", at: context.runJSON)]).resting(on: .measured)
    }
}

extension MeasuredRecord {
    /// One sentence naming the data the record ran on, decided from run.json's digests and paths:
    /// the official validation shards (digest pinned by the rules), Referee's bundled synthetic
    /// data, or an unverified dataset.
    package func datasetStatement(officialVal: Set<String> = []) -> String {
        let val = (data?.shards ?? []).filter { $0.split == "val" }
        if !official(val, officialVal).isEmpty, official(val, officialVal).count == val.count {
            return "FineWeb: the validation shards' SHA-256 equal the official digests pinned by the rules"
        }
        let paths = [dataPath, tokenizerPath].compactMap { $0 } + val.compactMap(\.name)
        if paths.contains(where: { $0.lowercased().contains("synth") }) {
            return "Referee's bundled synthetic data (`\(dataPath ?? "data/sp1024_synth")`), NOT FineWeb: this score is not comparable with the leaderboard"
        }
        if let dataPath {
            let digest = val.first?.sha256.map { ", validation sha256 \($0.prefix(16))…" } ?? ""
            return "`\(dataPath)`\(digest): not verified as the official FineWeb validation set (no pinned digest matched)"
        }
        return "not recorded (no data path in run.json)"
    }

    private func official(_ shards: [Shard], _ pinned: Set<String>) -> [Shard] {
        shards.filter { pinned.contains(($0.sha256 ?? "").lowercased()) }
    }
}

extension RuleSet {
    /// The official validation shard digests the track pins (`data.official-val`'s `val_sha256`).
    package var officialValDigests: Set<String> { DataChecks.pinned(rule("data.official-val")) }
}
