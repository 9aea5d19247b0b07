import Foundation
import RefereeCore

/// Turns the per-rank trace files of one run into ``TraceFacts``.
///
/// The rank files are merged by event time (`t`; within one rank, file order), so every rule is
/// decided in one streaming pass: memory holds one line per rank and the set of scored ranges.
package enum TraceAnalyzer {
    /// Analyses `directory` (holding `rank<R>.jsonl` files). `displayRoot`, when given, is
    /// stripped from the paths written into findings. Unreadable files become findings; only a
    /// folder that cannot be listed throws.
    /// With `documents` (the validation stream's documents, as Referee read them), a rank's score
    /// ranges must ascend within each document; without, across the whole stream.
    package static func analyse(directory: URL, seed: Int? = nil, displayRoot: URL? = nil,
                                documents: DocumentIndex? = nil) throws(TraceError) -> TraceFacts {
        let display = displayPath(directory, root: displayRoot)
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw TraceError.unreadable(path: directory.path, reason: "cannot list the trace folder (\(error.localizedDescription))")
        }
        return analyse(display: display, seed: seed, names: names, documents: documents) { name throws(CoreError) in
            try LineReader(url: directory.appendingPathComponent(name))
        }
    }

    /// ``analyse(directory:seed:displayRoot:)`` of a folder whose files are listed as `names`
    /// (display path `display`); `open` gives the line reader of a rank file by name (from
    /// the disk, or from bytes already read: a ``RecordSnapshot``). A file `open` cannot read
    /// becomes a finding, as on disk.
    package static func analyse(display: String, seed: Int?, names: [String], documents: DocumentIndex? = nil,
                                open: (String) throws(CoreError) -> LineReader) -> TraceFacts {
        var facts = TraceFacts(directory: display, seed: seed)
        facts.orderedByDocument = documents != nil
        var streams: [RankStream] = []
        // Each stream's next event (read ahead so the streams merge by time), and its time.
        var heads: [StreamEvent?] = []
        var times: [Double] = []
        for (rank, name) in rankFiles(names) {
            let path = display.isEmpty ? name : "\(display)/\(name)"
            do {
                var stream = try RankStream(rank: rank, reader: try open(name), displayPath: path)
                let head = stream.next(into: &facts)
                streams.append(stream)
                heads.append(head)
                times.append(head?.time ?? 0)
                facts.ranks.append(rank)
            } catch {
                facts.malformed.append(TraceFinding(SourceLocation(file: path, line: 0), "cannot read: \(error)"))
            }
        }
        var state = MergeState(documents: documents)
        while let index = earliest(heads, times) {
            let event = heads[index]!
            switch event.tag {
            case .score:
                state.score(PositionRange(event.start, event.end), nll: event.nll, bytes: event.bytes, psumMin: event.psumMin,
                            psumMax: event.psumMax, rank: event.rank, file: streams[index].file, line: event.line, into: &facts)
            case .update:
                state.update(PositionRange(event.start, event.end), kind: streams[index].kinds[Int(event.kind)],
                             file: streams[index].file, line: event.line, into: &facts)
            case .full:
                state.consume(streams[index].full!, into: &facts)
            }
            let head = streams[index].next(into: &facts)
            times[index] = head?.time ?? 0
            heads[index] = head
        }
        state.finish(into: &facts, directory: display)
        return facts
    }

    /// `rank<R>.jsonl` files sorted by rank.
    static func rankFiles(_ names: [String]) -> [(Int, String)] {
        names.compactMap { name -> (Int, String)? in
            guard name.hasPrefix("rank"), name.hasSuffix(".jsonl"),
                  let r = Int(name.dropFirst(4).dropLast(6)), r >= 0 else { return nil }
            return (r, name)
        }.sorted { $0.0 < $1.0 }
    }

    /// The stream whose head comes first in time (ties: lower rank).
    private static func earliest(_ heads: [StreamEvent?], _ times: [Double]) -> Int? {
        // Compares `times`, so no event is copied out of `heads`.
        var best: Int?
        var bestTime = 0.0
        for i in heads.indices where heads[i] != nil {
            let t = times[i]
            if best != nil, bestTime <= t { continue }
            best = i
            bestTime = t
        }
        return best
    }

    static func displayPath(_ url: URL, root: URL?) -> String {
        guard let root else { return url.path }
        let r = root.standardizedFileURL.path, p = url.standardizedFileURL.path
        if p == r { return "" }
        return p.hasPrefix(r + "/") ? String(p.dropFirst(r.count + 1)) : p
    }
}

/// The running state of the merged pass.
private struct MergeState {
    var scored = IntervalSet()
    /// The validation documents, when known: order is then checked per rank and document.
    let documents: DocumentIndex?
    /// The end of the last score range of each rank in each document (with `documents`).
    var documentLastEnd: [RankDocument: Int] = [:]

    struct RankDocument: Hashable {
        var rank: Int
        var document: Int
    }

    init(documents: DocumentIndex?) {
        self.documents = documents
    }
    /// The end of the last score range of each rank: in an array for ranks below 4,096 (no
    /// hashing per event; `Int.min` for none yet), in a dictionary above.
    var lastEndSmall: [Int] = []
    var lastEndLarge: [Int: Int] = [:]

    func lastEnd(rank: Int) -> Int? {
        if rank < 4096 {
            guard rank < lastEndSmall.count, lastEndSmall[rank] != .min else { return nil }
            return lastEndSmall[rank]
        }
        return lastEndLarge[rank]
    }

    mutating func setLastEnd(rank: Int, _ end: Int) {
        if rank < 4096 {
            if rank >= lastEndSmall.count { lastEndSmall.append(contentsOf: repeatElement(.min, count: rank + 1 - lastEndSmall.count)) }
            lastEndSmall[rank] = end
        } else {
            lastEndLarge[rank] = end
        }
    }
    var worldSizes: Set<Int> = []
    var valTokensSeen: [(Int, SourceLocation)] = []
    var phaseNames: Set<String> = []

    mutating func consume(_ event: TraceEvent, into facts: inout TraceFacts) {
        switch event.body {
        case .phase(let name, let valTokens, let worldSize, let valLoss, let valBPB):
            if phaseNames.insert(name).inserted { facts.phases.append(name) }
            if name == TraceEvent.autotracePhase { facts.observedByAutotrace = true }
            for gap in event.observerGaps { facts.observerGaps.append("rank \(event.rank): \(gap)") }
            if let valTokens { valTokensSeen.append((valTokens, event.location)) }
            if let worldSize { worldSizes.insert(worldSize) }
            if name == "eval_end" {
                if let valLoss, facts.reportedValLoss == nil { facts.reportedValLoss = valLoss }
                if let valBPB, facts.reportedValBPB == nil { facts.reportedValBPB = valBPB }
            }
        case .score(let range, let nll, let bytes, let lo, let hi):
            score(range, nll: nll, bytes: bytes, psumMin: lo, psumMax: hi, rank: event.rank,
                  file: event.location.file, line: event.location.line, into: &facts)
        case .update(let kind, let range):
            update(range, kind: kind, file: event.location.file, line: event.location.line, into: &facts)
        }
    }

    /// A score event of `rank` read at `file`:`line` (the location is built only for a finding).
    mutating func score(_ range: PositionRange, nll: Double, bytes: Double, psumMin lo: Double, psumMax hi: Double,
                                rank: Int, file: String, line: Int, into facts: inout TraceFacts) {
        var location: SourceLocation { SourceLocation(file: file, line: line) }
        facts.scoreEvents += 1
        facts.nllSum += nll
        facts.bytesSum += bytes
        facts.tokenSum = facts.tokenSum.addingSaturating(range.count)
        if facts.psumMin.map({ lo < $0 }) ?? true {
            facts.psumMin = lo
            facts.psumMinLocation = location
        }
        if facts.psumMax.map({ hi > $0 }) ?? true {
            facts.psumMax = hi
            facts.psumMaxLocation = location
        }
        if facts.psumMinLargest.map({ lo > $0 }) ?? true {
            facts.psumMinLargest = lo
            facts.psumMinLargestLocation = location
        }
        if facts.psumMaxSmallest.map({ hi < $0 }) ?? true {
            facts.psumMaxSmallest = hi
            facts.psumMaxSmallestLocation = location
        }
        let previous = lastEnd(rank: rank)
        if let previous, range.start < previous {
            if let documents {
                orderWithinDocuments(range, documents, rank: rank, location: location, into: &facts)
            } else {
                facts.outOfOrder.append(TraceFinding(location,
                    "rank \(rank) scores \(range) after a range ending at \(previous) (ranges must ascend)", range: range))
            }
        }
        if documents != nil { recordDocumentEnds(range, rank: rank) }
        setLastEnd(rank: rank, max(previous ?? 0, range.end))
        for overlap in scored.insert(range) {
            facts.overlaps.append(TraceFinding(location, "positions \(overlap) scored again", range: overlap))
        }
    }

    /// The order of a rank's range that starts before the rank's last end (documents
    /// interleave, or a document goes backwards): a finding when, in the range's first or last
    /// document, this rank already scored past where the range's piece of it starts. A document
    /// the range covers whole needs no look: anything this rank scored in it before is scored
    /// again, an overlap (so a range across every document costs two lookups, not one per
    /// document).
    func orderWithinDocuments(_ range: PositionRange, _ documents: DocumentIndex, rank: Int, location: SourceLocation,
                              into facts: inout TraceFacts) {
        guard range.start < range.end else { return }
        let first = documents.document(of: range.start), last = documents.document(of: range.end - 1)
        for d in stride(from: first, through: last, by: max(1, last - first)) {
            let start = d == first ? range.start : documents.firsts[d]
            guard let end = documentLastEnd[RankDocument(rank: rank, document: d)], start < end else { continue }
            let piece = PositionRange(start, min(range.end, documents.end(of: d)))
            let span = PositionRange(d < 0 ? 0 : documents.firsts[d], documents.end(of: d))
            facts.outOfOrder.append(TraceFinding(location,
                "rank \(rank) scores \(piece) after a range ending at \(end) in the same document (targets \(span); "
                + "a document's ranges must ascend)", range: piece))
            return
        }
    }

    /// Records where `range` leaves each document it touches. A document the range covers
    /// whole needs no entry: anything scored in it later is scored twice, an overlap.
    mutating func recordDocumentEnds(_ range: PositionRange, rank: Int) {
        guard let documents, range.start < range.end else { return }
        let first = documents.document(of: range.start), last = documents.document(of: range.end - 1)
        // Two documents at most, without an array per event.
        for d in stride(from: first, through: last, by: max(1, last - first)) {
            let key = RankDocument(rank: rank, document: d)
            let end = min(range.end, documents.end(of: d))
            documentLastEnd[key] = max(documentLastEnd[key] ?? end, end)
        }
    }

    /// An update event read at `file`:`line` (`kind` is read only for a finding).
    mutating func update(_ range: PositionRange, kind: @autoclosure () -> String, file: String, line: Int, into facts: inout TraceFacts) {
        facts.updateEvents += 1
        if let missing = scored.firstMissing(in: range) {
            facts.unscoredReads.append(TraceFinding(SourceLocation(file: file, line: line),
                "\(kind()) update reads \(range) but \(missing) was not scored before it", range: missing))
        }
    }

    func finish(into facts: inout TraceFacts, directory: String) {
        facts.scored = scored.ranges
        if worldSizes.count == 1 { facts.worldSize = worldSizes.first }
        let location = SourceLocation(file: directory, line: 0)
        if worldSizes.count > 1 {
            facts.chainBreaks.append(TraceFinding(location, "ranks disagree on world_size: \(worldSizes.sorted())"))
        }
        if let ws = facts.worldSize {
            let missing = (0..<ws).filter { !facts.ranks.contains($0) }
            if !missing.isEmpty {
                facts.chainBreaks.append(TraceFinding(location, "world_size is \(ws) but no trace file for rank(s) \(missing.map(String.init).joined(separator: ", "))"))
            }
        }
        let distinct = Set(valTokensSeen.map(\.0))
        if distinct.count == 1 {
            facts.valTokens = distinct.first
        } else if distinct.count > 1, let where_ = valTokensSeen.first?.1 {
            facts.malformed.append(TraceFinding(where_, "ranks disagree on val_tokens: \(distinct.sorted())"))
        }
        guard let n = facts.valTokens else { return }
        let target = PositionRange(1, n)
        let (gaps, uncovered) = scored.gaps(in: target, limit: FindingList.keep)
        facts.uncoveredPositions = uncovered
        var gapList = FindingList()
        for gap in gaps { gapList.append(TraceFinding(location, "positions \(gap) never scored", range: gap)) }
        facts.gaps = gapList
        let outside = scored.positions(outside: target)
        if outside > 0 {
            facts.outOfRange.append(TraceFinding(location, "\(outside) scored positions lie outside [1, \(n))",
                                                 range: PositionRange(0, outside)))
        }
    }
}
