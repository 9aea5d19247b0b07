import Foundation
import RefereeCore
import RefereeCrypto

/// One parsed line of a per-rank trace file (protocol v1, `docs/protocol.md`).
package struct TraceEvent: Hashable, Sendable {
    /// What the event says.
    package enum Body: Hashable, Sendable {
        /// `phase`: a named point of the run; `eval_start` carries `val_tokens` and
        /// `world_size`, `eval_end` may carry the submission's own `val_loss` / `val_bpb`.
        case phase(name: String, valTokens: Int?, worldSize: Int?, valLoss: Double?, valBPB: Double?)
        /// `score`: target positions `[start, end)` scored with `nll` nats over `bytes` bytes.
        case score(range: PositionRange, nll: Double, bytes: Double, psumMin: Double, psumMax: Double)
        /// `update`: the model or a cache read the tokens of target positions `[start, end)`.
        case update(kind: String, range: PositionRange)
    }

    package var seq: Int
    package var rank: Int
    /// Unix time in seconds when the event was written.
    package var time: Double
    /// The `prev` field, the SHA-256 of the previous line's bytes, decoded from its 64 hex
    /// digits (either case); nil when the field is 64 characters that are not all hex digits
    /// (it then matches no line).
    package var prev: SHA256Digest?
    package var body: Body
    package var location: SourceLocation
    /// On autotrace's summary phase (`name: "autotrace"`, docs/autotrace.md): what the hooks
    /// saw happen and could not follow in this process (each a sentence); empty otherwise.
    package var observerGaps: [String] = []

    /// The name of the phase line in which autotrace summarises what it observed.
    package static let autotracePhase = "autotrace"
}

/// Parses one trace line. A line that is not a v1 event is described, never thrown.
enum TraceLineParser {
    /// A parsed line or what was wrong with it.
    enum Parsed {
        case event(TraceEvent)
        case problem(TraceFinding)
    }

    static let zeroHash = String(repeating: "0", count: 64)

    /// The event on `text`, or a sentence saying what was expected.
    static func parse(_ text: String, at location: SourceLocation) -> Parsed {
        func bad(_ why: String) -> Parsed {
            .problem(TraceFinding(location, why))
        }
        let bytes = Array(text.utf8)
        var object = FlatJSON.parse(bytes)
        if object == nil {
            // The slow path: FlatJSON declined (escapes, nesting, a duplicate key or bad text).
            // Foundation would silently keep one of two equal keys, so check first.
            if let problem = StrictJSON.check(bytes), problem.message.hasPrefix("duplicate key") {
                return bad(problem.message)
            }
            object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any]
        }
        guard let o = object else {
            return bad("expected one JSON object per line")
        }
        guard let v = int(o["v"]), v == 1 else { return bad("expected \"v\": 1 (protocol version)") }
        guard let seq = int(o["seq"]), seq >= 0 else { return bad("expected \"seq\": a non-negative integer") }
        guard let rank = int(o["rank"]), rank >= 0 else { return bad("expected \"rank\": a non-negative integer") }
        guard let t = double(o["t"]) else { return bad("expected \"t\": unix time in seconds") }
        guard let prev = o["prev"] as? String, prev.count == 64 else {
            return bad("expected \"prev\": 64 hex digits")
        }
        guard let ev = o["ev"] as? String else { return bad("expected \"ev\": phase, score or update") }
        let body: TraceEvent.Body
        switch ev {
        case "phase":
            guard let name = o["name"] as? String else { return bad("phase event without \"name\"") }
            body = .phase(name: name, valTokens: int(o["val_tokens"]), worldSize: int(o["world_size"]),
                          valLoss: double(o["val_loss"]), valBPB: double(o["val_bpb"]))
            if name == TraceEvent.autotracePhase {
                var event = TraceEvent(seq: seq, rank: rank, time: t, prev: SHA256Digest(hex: prev), body: body, location: location)
                event.observerGaps = observerGaps(o)
                return .event(event)
            }
        case "score":
            guard let start = int(o["start"]), let end = int(o["end"]) else {
                return bad("score event needs integer \"start\" and \"end\"")
            }
            guard end > start else { return bad("score range [\(start), \(end)) is empty or reversed") }
            guard let nll = double(o["nll"]), nll.isFinite else { return bad("score event needs a finite \"nll\"") }
            guard let bytes = double(o["bytes"]), bytes.isFinite else { return bad("score event needs \"bytes\"") }
            guard let lo = double(o["psum_min"]), let hi = double(o["psum_max"]) else {
                return bad("score event needs \"psum_min\" and \"psum_max\"")
            }
            body = .score(range: PositionRange(start, end), nll: nll, bytes: bytes, psumMin: lo, psumMax: hi)
        case "update":
            guard let start = int(o["start"]), let end = int(o["end"]) else {
                return bad("update event needs integer \"start\" and \"end\"")
            }
            body = .update(kind: o["kind"] as? String ?? "other", range: PositionRange(start, end))
        default:
            return bad("unknown \"ev\": \(ev) (expected phase, score or update)")
        }
        return .event(TraceEvent(seq: seq, rank: rank, time: t, prev: SHA256Digest(hex: prev), body: body, location: location))
    }

    /// What autotrace's summary says it saw and could not follow: loss calls inside compiled
    /// graphs, counted values stored into buffers, errors of its own hooks. A counter that is
    /// present but not a non-negative integer is itself a gap (the summary cannot be read).
    static func observerGaps(_ o: [String: Any]) -> [String] {
        let counters: [(String, String)] = [
            ("compiled_loss_calls", "loss call(s) ran inside torch.compile graphs, where autotrace sees neither scores nor training losses"),
            ("stored_unobserved", "counted value(s) were stored into a buffer, which autotrace does not follow to the score"),
            ("internal_errors", "error(s) inside autotrace's hooks left calls unobserved"),
        ]
        var gaps: [String] = []
        for (key, meaning) in counters {
            guard let raw = o[key] else { continue }
            guard let count = int(raw), count >= 0 else {
                gaps.append("\"\(key)\" is not a count")
                continue
            }
            if count > 0 { gaps.append("\(count) \(meaning) (\(key))") }
        }
        return gaps
    }

    /// An integer field: an integral number (JSON `3` or `3.0`), nil for anything else.
    static func int(_ value: Any?) -> Int? {
        guard let d = double(value), abs(d) < 9.0e15 else { return nil }
        return Int(exactly: d)
    }

    /// A number field, from either parser (`Int`/`Double` from ``FlatJSON``, `NSNumber` from
    /// `JSONSerialization`); booleans are not numbers.
    static func double(_ value: Any?) -> Double? {
        guard let value else { return nil }
        if type(of: value) == Int.self, let i = value as? Int { return Double(i) }
        if type(of: value) == Double.self, let d = value as? Double { return d }
        // On Linux an NSNumber holding 0 or 1 answers `is Bool`; only the boolean class is a Bool.
        if type(of: value) is NSNumber.Type, let n = value as? NSNumber,
           ObjectIdentifier(type(of: n)) != booleanClass {
            return n.doubleValue
        }
        return nil
    }

    private static let booleanClass = ObjectIdentifier(type(of: NSNumber(value: true)))
}
