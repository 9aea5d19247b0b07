import RefereeCore
import RefereeTrace
import ArgumentParser
import Foundation
import RefereeAudit
import RefereeReport

/// Output formats of `referee audit`.
enum AuditFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, junit, github
}

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Audit logs and record folders against a track's rules.",
        discussion: """
        Every verdict is recomputed from the logs, submission.json and files of each path. \
        The track defaults to the one the record folder declares, else track_10min_16mb. \
        Exit codes: 0 no rule failed, 1 an error-severity rule failed, 2 bad input or usage.
        """
    )

    @Argument(help: "Log files or record folders to audit.")
    var paths: [String]

    @OptionGroup var rules: RulesOptions

    @Option(help: "An earlier record folder to test significance against (stats.significance): each side's official per-seed scores when it has them, else its logged scores.")
    var against: String?

    @Option(help: "Output format: text, json, junit or github.")
    var format: AuditFormat = .text

    @Option(help: "A probes.json to audit the record with instead of its own (e.g. <record>.probes-<seed>.json written by `referee probe` beside a signed record).")
    var probes: String?

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one log file or record folder") }
    }

    /// Audits the paths one after the other and streams each report as it is made: every
    /// rules file is parsed once, every path's evidence is read once, and memory holds one
    /// audit at a time (all of them only for `--format junit`, whose header counts them all).
    /// The output is spooled to an unlinked temporary file and copied to stdout at the end, so a
    /// bad path (exit 2) still prints nothing, as before.
    func run() throws {
        let loader = EvidenceLoader()
        let againstRecord = try against.map { try loader.againstRecord(URL(fileURLWithPath: $0)) }
        var cache: [String: RuleSet] = [:]
        let spool = try OutputSpool()
        var json = AuditJSONReport.Stream()
        var junit: [RecordAudit] = []
        var failed = false
        for (index, path) in paths.enumerated() {
            let url = URL(fileURLWithPath: path)
            var context = try loader.context(for: url, displayPath: path)
            context.against = againstRecord
            if let probes {
                let url = URL(fileURLWithPath: probes)
                guard let data = try? EvidenceFile.readAll(url) else { throw ValidationError("\(probes): cannot read the probe report (a regular file is expected)") }
                context.probes = TraceDiscovery.probes(from: data, directory: path)
            }
            let ruleSet = try rules.ruleSet(for: url, folder: context.folder, cache: &cache)
            let audit = Auditor(rules: ruleSet).audit(context)
            if audit.verdict == .fail { failed = true }
            switch format {
            case .text:
                if index > 0 { spool.write("\n") }
                spool.write(AuditTextReport(rules: ruleSet).render(audit))
            case .json:
                spool.write(json.record(audit))
            case .junit:
                junit.append(audit)
            case .github:
                spool.write(GitHubAnnotations.render([audit]))
            }
        }
        switch format {
        case .json: spool.write(json.end())
        case .junit: spool.write(JUnitReport.render(junit))
        case .text, .github: break
        }
        spool.copyToStandardOutput()
        if failed {
            throw ExitCode.ruleFailed
        }
    }
}

/// An unlinked temporary file that collects a command's output until it is complete.
final class OutputSpool {
    private let file: UnsafeMutablePointer<FILE>

    init() throws {
        guard let f = tmpfile() else { throw ValidationError("cannot create a temporary file for the output") }
        file = f
    }

    deinit { fclose(file) }

    func write(_ text: String) {
        var text = text
        text.withUTF8 { _ = fwrite($0.baseAddress, 1, $0.count, file) }
    }

    func write(_ data: Data) {
        data.withUnsafeBytes { _ = fwrite($0.baseAddress, 1, $0.count, file) }
    }

    func copyToStandardOutput() {
        fflush(file)
        rewind(file)
        fflush(nil)
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n == 0 { break }
            buffer.withUnsafeBytes { p in
                var done = 0
                while done < n {
                    let w = Foundation.write(1, p.baseAddress! + done, n - done)
                    if w <= 0 { if w < 0, errno == EINTR { continue }; return }
                    done += w
                }
            }
        }
    }
}
