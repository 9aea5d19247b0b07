// The fuzz targets: one function per parser, shared by the seeded runs of the test suite
// (FuzzTests.swift) and by the libFuzzer executables of scripts/fuzz.sh, which compile this file
// with a one-line entry point from Fuzz/entries/. Keep it free of `Testing`.
//
// Each target feeds arbitrary bytes to a parser the way Referee does and returns nil, or a
// sentence describing a broken property. A crash (trap, overflow, out-of-bounds) is a failure
// by itself; libFuzzer reports it, and in the test suite it kills the test process.
import Foundation
@testable import RefereeAudit
@testable import RefereeBundle
@testable import RefereeCore
@testable import RefereeData
@testable import RefereeLogs
@testable import RefereeTrace

public enum FuzzTargets {
    /// Every target by name (the names of Fuzz/corpus/<name>/ and Fuzz/entries/<name>.swift).
    public static let all: [(name: String, run: @Sendable ([UInt8]) -> String?)] = [
        ("log_line", logLine),
        ("log_whole", logWhole),
        ("submission_json", submissionJSON),
        ("toml_rules", tomlRules),
        ("tokenizer_proto", tokenizerProto),
        ("shard_header", shardHeader),
        ("trace_line", traceLine),
        ("probes_json", probesJSON),
        ("dsse_envelope", dsseEnvelope),
        ("intoto_statement", inTotoStatement),
        ("strict_json", strictJSON),
        ("interval_set", intervalSet),
    ]

    static func lines(_ bytes: [UInt8]) -> [Line] {
        var out: [Line] = []
        var offset: UInt64 = 0
        for (i, raw) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            var kept = Array(raw.prefix(LineReader.defaultMaxLineBytes))
            if kept.last == 0x0D { kept.removeLast() }
            let strict = String(validating: kept, as: UTF8.self)
            out.append(Line(number: i + 1, text: strict ?? String(decoding: kept, as: UTF8.self),
                            truncated: raw.count > kept.count + 1, invalidUTF8: strict == nil, offset: offset))
            offset += UInt64(raw.count + 1)
        }
        return out
    }

    /// One log line, alone in a log (size, step, eval, seed, timestamp and hardware lines).
    public static func logLine(_ bytes: [UInt8]) -> String? {
        let line = Array(bytes.prefix(4096).split(separator: 0x0A, omittingEmptySubsequences: false).first ?? [])
        var parser = LogParser(path: "fuzz.log")
        for l in lines(line) { parser.feed(l) }
        parser.finish(lastLine: 1)
        for run in parser.runs {
            if let b = run.sizes.artifactBytes?.bytes, b < 0 { return "negative artifact size \(b)" }
        }
        return nil
    }

    /// A whole log (runs, embedded source, appended runs, notes).
    public static func logWhole(_ bytes: [UInt8]) -> String? {
        var parser = LogParser(path: "fuzz.log")
        let all = lines(bytes)
        for l in all { parser.feed(l) }
        parser.finish(lastLine: all.count)
        return nil
    }

    /// submission.json, then the claims the audit reads from it.
    public static func submissionJSON(_ bytes: [UInt8]) -> String? {
        let data = Data(bytes)
        guard let claims = try? SubmissionClaims.parse(data, path: "submission.json") else { return nil }
        if let problem = StrictJSON.check(data) { return "accepted ambiguous JSON: \(problem)" }
        _ = claims.valBPB
        return nil
    }

    /// A rules TOML file.
    public static func tomlRules(_ bytes: [UInt8]) -> String? {
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        if let rules = try? RuleSet.parse(text, path: "fuzz.toml", digest: "") {
            for rule in rules.rules { for (_, v) in rule.thresholds { _ = Int(saturating: v) } }
        }
        return nil
    }

    /// A SentencePiece `.model` protobuf and the summary `data inspect` prints.
    public static func tokenizerProto(_ bytes: [UInt8]) -> String? {
        guard let model = try? TokenizerModel(bytes: bytes, path: "fuzz.model") else { return nil }
        _ = TokenizerSummary(model: model, path: "fuzz.model")
        if model.pieces.count <= 1 << 16 {
            _ = ByteTable(model: model).vocabSize
        }
        return nil
    }

    /// A FineWeb shard header (the first 1024 bytes).
    public static func shardHeader(_ bytes: [UInt8]) -> String? {
        guard let header = try? ShardHeader.decode(bytes, path: "fuzz.bin") else { return nil }
        if header.tokenCount < 0 { return "negative token count \(header.tokenCount)" }
        return nil
    }

    /// One trace line; a line with a duplicate key must never be an event.
    public static func traceLine(_ bytes: [UInt8]) -> String? {
        let line = Array(bytes.prefix(1 << 16))
        let text = String(decoding: line, as: UTF8.self)
        let parsed = TraceLineParser.parse(text, at: SourceLocation(file: "rank0.jsonl", line: 1))
        // The fast path (what RankStream runs on valid UTF-8 lines, in place in the read buffer)
        // accepts only lines `parse` accepts, with the same event.
        if String(validating: line, as: UTF8.self) != nil {
            let fast = line.withUnsafeBufferPointer { TraceLineFastPath.parse($0, at: SourceLocation(file: "rank0.jsonl", line: 1)) }
            if let fast {
                guard case .event(let slow) = parsed else { return "fast path accepted a line parse rejects" }
                if fast != slow { return "fast path event \(fast) differs from parse's \(slow)" }
            }
        }
        if case .event(let event) = parsed {
            if let problem = StrictJSON.check(Array(text.utf8)), problem.message.hasPrefix("duplicate key") {
                return "duplicate key accepted as an event: \(problem)"
            }
            var set = IntervalSet()
            if case .score(let range, _, _, _, _) = event.body {
                set.insert(range)
                _ = set.gaps(in: PositionRange(1, 100), limit: 3)
                _ = set.positions(outside: PositionRange(1, 100))
                var facts = FindingList()
                facts.append(TraceFinding(event.location, "x", range: range))
                facts.append(TraceFinding(event.location, "x", range: range))
            }
        }
        return nil
    }

    /// probes.json.
    public static func probesJSON(_ bytes: [UInt8]) -> String? {
        let data = Data(bytes)
        let report = TraceDiscovery.probes(from: data, directory: "rec")
        if report.problems.isEmpty, let problem = StrictJSON.check(data) { return "accepted ambiguous probes.json: \(problem)" }
        return nil
    }

    /// referee.bundle.json: the DSSE envelope, its payload and PAE.
    public static func dsseEnvelope(_ bytes: [UInt8]) -> String? {
        let data = Data(bytes)
        guard let envelope = try? BundleVerifier.decodeEnvelope(data) else { return nil }
        if let problem = StrictJSON.check(data) { return "accepted ambiguous envelope: \(problem)" }
        if let payload = envelope.payloadBytes {
            _ = DSSEEnvelope.pae(payloadType: envelope.payloadType, payload: payload)
            _ = try? BundleVerifier.parseStatement(envelope, payload: payload)
        }
        return nil
    }

    /// The in-toto statement inside an envelope, and its subject paths.
    public static func inTotoStatement(_ bytes: [UInt8]) -> String? {
        let payload = Data(bytes)
        let envelope = DSSEEnvelope(payload: payload, payloadType: BundleLayout.payloadType, signatures: [])
        guard let statement = try? BundleVerifier.parseStatement(envelope, payload: payload) else { return nil }
        if let problem = StrictJSON.check(payload) { return "accepted ambiguous statement: \(problem)" }
        for subject in statement.subject { _ = SubjectPath.problem(subject.name); _ = SubjectPath.escaped(subject.name) }
        _ = RecordFiles.equivalentPair(statement.subject.map { RecordEntry(path: $0.name, kind: .regular) })
        return nil
    }

    /// The duplicate-key checker itself: whatever Foundation accepts, it accepts too unless it
    /// names a duplicate key or the depth cap, or the text has a trailing comma (`[11,]`, which
    /// Foundation accepts and RFC 8259 and Python's `json` refuse; found by this target).
    public static func strictJSON(_ bytes: [UInt8]) -> String? {
        let strict = StrictJSON.check(bytes)
        guard String(validating: bytes, as: UTF8.self) != nil, !bytes.contains(0), bytes.first != 0xEF else { return nil }
        let foundation = (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil
        guard foundation, let strict, !strict.message.hasPrefix("duplicate key"), !strict.message.hasPrefix("nesting deeper") else {
            return nil
        }
        // Without the trailing commas, the text may still hold a duplicate key (found by this
        // target: `{"a":1,"b":[{"k":[],}],"a":{}}`), which StrictJSON must refuse.
        guard let again = StrictJSON.check(withoutTrailingCommas(bytes)),
              !again.message.hasPrefix("duplicate key"), !again.message.hasPrefix("nesting deeper") else { return nil }
        return "Foundation accepts what StrictJSON refuses: \(strict)"
    }

    /// `bytes` with every `,` that is followed (after blanks) by `]` or `}` removed, outside strings.
    static func withoutTrailingCommas(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var inString = false, escaped = false
        for (i, b) in bytes.enumerated() {
            if inString {
                if escaped { escaped = false } else if b == 0x5C { escaped = true } else if b == 0x22 { inString = false }
                out.append(b)
                continue
            }
            if b == 0x22 { inString = true }
            if b == 0x2C, let next = bytes[(i + 1)...].first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }), next == 0x5D || next == 0x7D {
                continue
            }
            out.append(b)
        }
        return out
    }

    /// IntervalSet against a plain set of positions, ranges read from the bytes.
    public static func intervalSet(_ bytes: [UInt8]) -> String? {
        var set = IntervalSet()
        var model = Set<Int>()
        var i = 0
        while i + 1 < bytes.count {
            let start = Int(bytes[i] % 64), length = Int(bytes[i + 1] % 9)
            let range = PositionRange(start, start + length)
            let expected = (start..<start + length).filter { model.contains($0) }.count
            let overlaps = set.insert(range).reduce(0) { $0 + $1.count }
            if overlaps != expected { return "insert \(range): \(overlaps) positions reported again, expected \(expected)" }
            model.formUnion(start..<start + length)
            i += 2
        }
        let flat = set.ranges.flatMap { Array($0.start..<$0.end) }
        if Set(flat) != model || flat.count != model.count { return "ranges \(set.ranges) differ from \(model.sorted())" }
        for (a, b) in zip(set.ranges, set.ranges.dropFirst()) where a.end >= b.start { return "ranges not disjoint: \(a) \(b)" }
        let query = PositionRange(0, 80)
        let missing = (0..<80).filter { !model.contains($0) }
        if set.gaps(in: query, limit: 1000).positions != missing.count { return "gap count differs" }
        if let first = set.firstMissing(in: query) {
            if first.start != missing.first { return "firstMissing \(first), expected start \(String(describing: missing.first))" }
        } else if !missing.isEmpty {
            return "firstMissing nil but \(missing.first!) is missing"
        }
        return nil
    }
}
