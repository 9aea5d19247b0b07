import RefereeCore
import RefereeCrypto
import RefereeLogs
import Foundation

/// `evidence.code-matches-log`: the source a run wrote into its log equals the committed script.
enum CodeCheck {
    /// The committed script the logs should embed: `train_gpt.py` when present, else the only
    /// script of the folder.
    static func mainScript(_ context: AuditContext) -> CommittedFile? {
        if let named = context.scripts.first(where: { ($0.path as NSString).lastPathComponent == "train_gpt.py" }) {
            return named
        }
        return context.scripts.count == 1 ? context.scripts[0] : nil
    }

    static func codeMatchesLog(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        if let files = context.measured?.code?.files, !files.isEmpty {
            return measuredCode(context, rule, files).resting(on: .measured)
        }
        return loggedCode(context, rule)
    }

    /// The committed files against the digests of the code Referee ran (run.json `code.files`):
    /// every file Referee hashed must be in the record with the same SHA-256.
    static func measuredCode(_ context: AuditContext, _ rule: Rule, _ files: [MeasuredRecord.FileDigest]) -> RuleResult {
        let committed = Dictionary(context.scripts.map { (context.shortName($0.path), $0) }, uniquingKeysWith: { a, _ in a })
        var bad: [Evidence] = []
        var good: [Evidence] = []
        for file in files {
            guard let path = file.path, let digest = file.sha256 else { continue }
            guard let script = committed[path] else {
                // Non-script files (data, configs) are hashed by the bundle; only scripts are read here.
                if path.hasSuffix(".py") { bad.append(Evidence("\(path): Referee ran it (sha256 \(digest.prefix(16))…) but the record does not hold it", at: context.runJSON)) }
                continue
            }
            if script.sha256 == digest {
                good.append(Evidence("\(path) sha256 \(digest.prefix(16))… is the code Referee ran", at: context.runJSON))
            } else {
                bad.append(Evidence("\(path): committed sha256 \(script.sha256.prefix(16))…, Referee ran \(digest.prefix(16))…", at: context.runJSON))
            }
        }
        if !bad.isEmpty { return rule.fail("\(bad.count) file(s) differ from the code Referee ran", bad) }
        if good.isEmpty { return rule.unverifiable("run.json lists no script digest to compare with the record's files") }
        return rule.pass("the record's \(good.count) script(s) are the code Referee ran (run.json digests)", good)
    }

    static func loggedCode(_ context: AuditContext, _ rule: Rule) -> RuleResult {
        let runs = context.distinctRuns
        guard !runs.isEmpty else { return rule.unverifiable("no run found in the logs") }
        guard let script = mainScript(context) else {
            let found = context.scripts.map(\.path).joined(separator: ", ")
            return rule.unverifiable(context.scripts.isEmpty
                ? "no committed train_gpt.py to compare the logs' embedded source with"
                : "several scripts and no train_gpt.py (\(found)): cannot tell which one the logs embed")
        }
        var mismatches: [Evidence] = []
        var matches: [Evidence] = []
        var missing: [Evidence] = []
        for ref in runs {
            guard let source = ref.run.embeddedSource else {
                missing.append(Evidence("\(ref.label): no embedded source code", at: ref.wholeFile))
                continue
            }
            let at = SourceLocation(file: ref.run.file, line: ref.run.embeddedSourceLines?.lowerBound ?? 0)
            let logged = Array(source.utf8)
            let loggedDigest = SHA256.hex(Data(logged))
            if loggedDigest == script.sha256 {
                matches.append(Evidence("sha256 \(loggedDigest.prefix(16))… equals \(script.path)", at: at))
                continue
            }
            guard script.isKept else {
                mismatches.append(Evidence("\(ref.label): logged code is \(Fmt.bytes(logged.count)) bytes, \(script.path) is \(Fmt.bytes(script.byteCount)) bytes (sha256 \(script.sha256.prefix(16))…, log \(loggedDigest.prefix(16))…)", at: at))
                continue
            }
            if trimmingNewlines(logged) == trimmingNewlines(script.bytes) {
                matches.append(Evidence("equals \(script.path) up to trailing newlines", at: at))
                continue
            }
            mismatches.append(Evidence("\(ref.label): \(ByteDifference(logged: logged, committed: script.bytes).description) (\(script.path) sha256 \(script.sha256.prefix(16))…, log \(loggedDigest.prefix(16))…)", at: at))
        }
        if !mismatches.isEmpty { return rule.fail("\(mismatches.count) run(s) embed code that differs from \(script.path)", mismatches + missing) }
        if !missing.isEmpty { return rule.unverifiable("\(missing.count) of \(runs.count) run(s) embed no source code", missing + matches) }
        return rule.pass("every run (\(runs.count)) embeds \(script.path) exactly", matches)
    }

    static func trimmingNewlines(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
        return bytes[0..<end]
    }
}

/// How two byte strings differ: sizes, and the first differing byte with its 1-based line.
struct ByteDifference: CustomStringConvertible {
    var loggedCount: Int
    var committedCount: Int
    /// 0-based offset of the first differing byte, nil when one is a prefix of the other.
    var firstDifference: Int
    /// 1-based line (in the committed file) of that byte.
    var line: Int

    init(logged: [UInt8], committed: [UInt8]) {
        loggedCount = logged.count
        committedCount = committed.count
        var i = 0
        while i < logged.count, i < committed.count, logged[i] == committed[i] { i += 1 }
        firstDifference = i
        line = 1 + committed.prefix(i).filter { $0 == 0x0A }.count
    }

    var description: String {
        let delta = loggedCount - committedCount
        let sign = delta > 0 ? "+" : ""
        return "logged code is \(Fmt.bytes(loggedCount)) bytes vs \(Fmt.bytes(committedCount)) committed (\(sign)\(Fmt.bytes(delta))), first difference at byte \(firstDifference) (script line \(line))"
    }
}
