import Foundation
import RefereeAudit
import RefereeCore

/// The `referee audit --format json` document (schema `referee.audit/v1`, documented in
/// docs/audit.md). Keys are snake_case and sorted; absent values are `null`, never omitted, so
/// the set of keys is stable.
package enum AuditJSONReport {
    /// The schema identifier written at the top of every document.
    package static let schema = "referee.audit/v1"

    /// Encodes `audits` as pretty, sorted-key JSON ending with a newline.
    package static func render(_ audits: [RecordAudit]) -> Data {
        // Encoding plain value types cannot fail; a failure here is a programming error.
        (try? CanonicalJSON.encode(Document(audits))) ?? Data("{}\n".utf8)
    }

    /// Writes the document ``render(_:)`` gives, one record at a time, so that auditing many
    /// paths holds one record in memory, not all of them: the bytes of `record` calls, in order,
    /// followed by those of `end()`, equal `render` of the same audits (tested).
    package struct Stream: Sendable {
        private var count = 0

        package init() {}

        /// The bytes that add `audit` to the document.
        package mutating func record(_ audit: RecordAudit) -> Data {
            var writer = AuditJSONWriter()
            writer.raw(count == 0 ? "{\n  \"records\" : [\n" : ",\n")
            // The record nested two levels deep, as `render` indents it; a number JSON cannot
            // hold makes `JSONEncoder` throw, and its record becomes `{}` as before.
            writer.indent(2)
            if AuditJSONWriter.encodable(audit) {
                writer.record(audit, depth: 2)
            } else {
                writer.raw("{}")
            }
            count += 1
            return Data(writer.out)
        }

        /// The bytes that close the document.
        package func end() -> Data {
            if count == 0 { return render([]) }
            return Data("\n  ],\n  \"schema\" : \"\(AuditJSONReport.schema)\"\n}\n".utf8)
        }
    }

    struct Document: Encodable {
        var schema = AuditJSONReport.schema
        var records: [Record]
        init(_ audits: [RecordAudit]) { records = audits.map(Record.init) }
    }

    struct Record: Encodable {
        var audit: RecordAudit
        init(_ audit: RecordAudit) { self.audit = audit }
        enum K: String, CodingKey { case path, track, rules_version, rules_digest, score, score_measured, score_official, verdict, runs, results }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: K.self)
            try c.encode(audit.path, forKey: .path)
            try c.encode(audit.track, forKey: .track)
            try c.encode(audit.rulesVersion, forKey: .rules_version)
            try c.encode(audit.rulesDigest, forKey: .rules_digest)
            try c.encode(audit.score, forKey: .score)
            try c.encodeIfPresent(audit.measuredScore, forKey: .score_measured)
            try c.encodeIfPresent(audit.officialScore, forKey: .score_official)
            try c.encode(audit.verdict.rawValue, forKey: .verdict)
            try c.encode(audit.runs.map(Run.init), forKey: .runs)
            try c.encode(audit.results.map(Result.init), forKey: .results)
        }
    }

    struct Run: Encodable {
        var run: RunSummary
        init(_ run: RunSummary) { self.run = run }
        enum K: String, CodingKey {
            case file, run_index, seed, score, score_line, score_label, val_loss, train_time_ms, eval_time_ms
            case code_bytes, artifact_bytes, gpu, gpu_count, duplicate_of
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: K.self)
            try c.encode(run.file, forKey: .file)
            try c.encode(run.runIndex, forKey: .run_index)
            try c.encode(run.seed, forKey: .seed)
            try c.encode(run.score, forKey: .score)
            try c.encode(run.scoreLine, forKey: .score_line)
            try c.encode(run.scoreLabel, forKey: .score_label)
            try c.encode(run.valLoss, forKey: .val_loss)
            try c.encode(run.trainTimeMs, forKey: .train_time_ms)
            try c.encode(run.evalTimeMs, forKey: .eval_time_ms)
            try c.encode(run.codeBytes, forKey: .code_bytes)
            try c.encode(run.artifactBytes, forKey: .artifact_bytes)
            try c.encode(run.gpu, forKey: .gpu)
            try c.encode(run.gpuCount, forKey: .gpu_count)
            try c.encode(run.duplicateOf, forKey: .duplicate_of)
        }
    }

    struct Result: Encodable {
        var result: RuleResult
        init(_ result: RuleResult) { self.result = result }
        enum K: String, CodingKey { case id, status, severity, message, evidence, evidence_source }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: K.self)
            try c.encode(result.id, forKey: .id)
            try c.encode(result.status.rawValue, forKey: .status)
            try c.encode(result.severity.rawValue, forKey: .severity)
            try c.encode(result.message, forKey: .message)
            try c.encode(result.evidence.map(EvidenceItem.init), forKey: .evidence)
            try c.encode(result.source.rawValue, forKey: .evidence_source)
        }
    }

    struct EvidenceItem: Encodable {
        var evidence: Evidence
        init(_ evidence: Evidence) { self.evidence = evidence }
        enum K: String, CodingKey { case file, line, detail }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: K.self)
            try c.encode(evidence.location?.file, forKey: .file)
            try c.encode(evidence.location.flatMap { $0.line > 0 ? $0.line : nil }, forKey: .line)
            try c.encode(evidence.detail, forKey: .detail)
        }
    }
}
