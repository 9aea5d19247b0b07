import RefereeAudit
import RefereeCore

/// Writes one record of the `referee audit --format json` document straight into bytes, in the
/// exact layout `JSONEncoder` gives with `[.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]`
/// (``CanonicalJSON``): two-space indent, `"key" : value`, empty arrays as `[`, a blank line,
/// `]`, numbers as `Double.description` without a trailing `.0`, strings escaped as
/// `JSONEncoder` escapes them. ``AuditJSONReport/render(_:)`` still encodes with `JSONEncoder`,
/// and the tests compare the two on hostile strings and numbers; this writer only saves the
/// encoder's boxing of every value (most of the JSON report's cost over many records).
struct AuditJSONWriter {
    private(set) var out: [UInt8] = []

    init(capacity: Int = 1 << 14) {
        out.reserveCapacity(capacity)
    }

    /// False when `audit` holds a number that JSON cannot hold (NaN, ±infinity): `JSONEncoder`
    /// throws on those, and the caller keeps its fallback.
    static func encodable(_ audit: RecordAudit) -> Bool {
        func ok(_ d: Double?) -> Bool { d.map(\.isFinite) ?? true }
        guard ok(audit.score), ok(audit.measuredScore), ok(audit.officialScore) else { return false }
        return audit.runs.allSatisfy { ok($0.score) && ok($0.valLoss) && ok($0.trainTimeMs) && ok($0.evalTimeMs) }
    }

    /// Appends `audit` as an object whose opening brace is at the current position and whose
    /// members are indented `depth + 1` levels (keys in sorted order, as `JSONEncoder` sorts them).
    mutating func record(_ audit: RecordAudit, depth: Int) {
        let d = depth + 1
        raw("{\n")
        key("path", d); string(audit.path); raw(",\n")
        key("results", d)
        array(audit.results, depth: d) { w, result, depth in w.result(result, depth: depth) }
        raw(",\n")
        key("rules_digest", d); string(audit.rulesDigest); raw(",\n")
        key("rules_version", d); string(audit.rulesVersion); raw(",\n")
        key("runs", d)
        array(audit.runs, depth: d) { w, run, depth in w.run(run, depth: depth) }
        raw(",\n")
        key("score", d); number(audit.score); raw(",\n")
        if let measured = audit.measuredScore { key("score_measured", d); number(measured); raw(",\n") }
        if let official = audit.officialScore { key("score_official", d); number(official); raw(",\n") }
        key("track", d); string(audit.track); raw(",\n")
        key("verdict", d); string(audit.verdict.rawValue); raw("\n")
        indent(depth); raw("}")
    }

    private mutating func run(_ run: RunSummary, depth: Int) {
        let d = depth + 1
        raw("{\n")
        key("artifact_bytes", d); integer(run.artifactBytes); raw(",\n")
        key("code_bytes", d); integer(run.codeBytes); raw(",\n")
        key("duplicate_of", d); string(run.duplicateOf); raw(",\n")
        key("eval_time_ms", d); number(run.evalTimeMs); raw(",\n")
        key("file", d); string(run.file); raw(",\n")
        key("gpu", d); string(run.gpu); raw(",\n")
        key("gpu_count", d); integer(run.gpuCount); raw(",\n")
        key("run_index", d); integer(run.runIndex); raw(",\n")
        key("score", d); number(run.score); raw(",\n")
        key("score_label", d); string(run.scoreLabel); raw(",\n")
        key("score_line", d); integer(run.scoreLine); raw(",\n")
        key("seed", d); integer(run.seed); raw(",\n")
        key("train_time_ms", d); number(run.trainTimeMs); raw(",\n")
        key("val_loss", d); number(run.valLoss); raw("\n")
        indent(depth); raw("}")
    }

    private mutating func result(_ result: RuleResult, depth: Int) {
        let d = depth + 1
        raw("{\n")
        key("evidence", d)
        array(result.evidence, depth: d) { w, item, depth in w.evidence(item, depth: depth) }
        raw(",\n")
        key("evidence_source", d); string(result.source.rawValue); raw(",\n")
        key("id", d); string(result.id); raw(",\n")
        key("message", d); string(result.message); raw(",\n")
        key("severity", d); string(result.severity.rawValue); raw(",\n")
        key("status", d); string(result.status.rawValue); raw("\n")
        indent(depth); raw("}")
    }

    private mutating func evidence(_ item: Evidence, depth: Int) {
        let d = depth + 1
        raw("{\n")
        key("detail", d); string(item.detail); raw(",\n")
        key("file", d); string(item.location?.file); raw(",\n")
        key("line", d); integer(item.location.flatMap { $0.line > 0 ? $0.line : nil }); raw("\n")
        indent(depth); raw("}")
    }

    private mutating func array<T>(_ items: [T], depth: Int, _ element: (inout AuditJSONWriter, T, Int) -> Void) {
        raw("[\n")
        if items.isEmpty {
            raw("\n")
        } else {
            for (i, item) in items.enumerated() {
                if i > 0 { raw(",\n") }
                indent(depth + 1)
                element(&self, item, depth + 1)
            }
            raw("\n")
        }
        indent(depth)
        raw("]")
    }

    private mutating func key(_ name: StaticString, _ depth: Int) {
        indent(depth)
        out.append(0x22)
        raw(name)
        raw("\" : ")
    }

    mutating func indent(_ depth: Int) {
        for _ in 0..<depth { out.append(0x20); out.append(0x20) }
    }

    mutating func raw(_ text: StaticString) {
        out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private mutating func null() { raw("null") }

    private mutating func integer(_ value: Int?) {
        guard let value else { return null() }
        out.append(contentsOf: String(value).utf8)
    }

    /// `JSONEncoder`'s number text: `description`, less a trailing `.0`.
    private mutating func number(_ value: Double?) {
        guard let value else { return null() }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        out.append(contentsOf: text.utf8)
    }

    private mutating func string(_ value: String?) {
        guard var value else { return null() }
        out.append(0x22)
        value.withUTF8 { bytes in
            var start = 0
            for (i, b) in bytes.enumerated() where b < 0x20 || b == 0x22 || b == 0x5C {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
                start = i + 1
                switch b {
                case 0x22: raw("\\\"")
                case 0x5C: raw("\\\\")
                case 0x08: raw("\\b")
                case 0x09: raw("\\t")
                case 0x0A: raw("\\n")
                case 0x0C: raw("\\f")
                case 0x0D: raw("\\r")
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    raw("\\u00")
                    out.append(hex[Int(b >> 4)])
                    out.append(hex[Int(b & 0x0F)])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        out.append(0x22)
    }
}
