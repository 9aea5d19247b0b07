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
    package static func analyse(directory: URL, seed: Int? = nil, displayRoot: URL? = nil) throws(TraceError) -> TraceFacts {
        let display = displayPath(directory, root: displayRoot)
        var facts = TraceFacts(directory: display, seed: seed)
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw TraceError.unreadable(path: directory.path, reason: "cannot list the trace folder (\(error.localizedDescription))")
        }
        var streams: [RankStream] = []
        for (rank, name) in rankFiles(names) {
            let url = directory.appendingPathComponent(name)
            let path = display.isEmpty ? name : "\(display)/\(name)"
            do {
                var stream = try RankStream(rank: rank, url: url, displayPath: path)
                stream.advance(into: &facts)
                streams.append(stream)
                facts.ranks.append(rank)
            } catch {
                facts.malformed.append(TraceFinding(SourceLocation(file: path, line: 0), "cannot read: \(error)"))
            }
        }
        var state = MergeState()
        while let index = earliest(streams) {
            let event = streams[index].head!
            state.consume(event, into: &facts)
            streams[index].advance(into: &facts)
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
    private static func earliest(_ streams: [RankStream]) -> Int? {
        var best: Int?
        for (i, s) in streams.enumerated() {
            guard let h = s.head else { continue }
            if let b = best, let bh = streams[b].head, bh.time <= h.time { continue }
            best = i
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
    var lastEnd: [Int: Int] = [:]
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
            facts.scoreEvents += 1
            facts.nllSum += nll
            facts.bytesSum += bytes
            facts.tokenSum = facts.tokenSum.addingSaturating(range.count)
            if facts.psumMin.map({ lo < $0 }) ?? true {
                facts.psumMin = lo
                facts.psumMinLocation = event.location
            }
            if facts.psumMax.map({ hi > $0 }) ?? true {
                facts.psumMax = hi
                facts.psumMaxLocation = event.location
            }
            if facts.psumMinLargest.map({ lo > $0 }) ?? true {
                facts.psumMinLargest = lo
                facts.psumMinLargestLocation = event.location
            }
            if facts.psumMaxSmallest.map({ hi < $0 }) ?? true {
                facts.psumMaxSmallest = hi
                facts.psumMaxSmallestLocation = event.location
            }
            if let previous = lastEnd[event.rank], range.start < previous {
                facts.outOfOrder.append(TraceFinding(event.location,
                    "rank \(event.rank) scores \(range) after a range ending at \(previous) (ranges must ascend)", range: range))
            }
            lastEnd[event.rank] = max(lastEnd[event.rank] ?? 0, range.end)
            for overlap in scored.insert(range) {
                facts.overlaps.append(TraceFinding(event.location, "positions \(overlap) scored again", range: overlap))
            }
        case .update(let kind, let range):
            facts.updateEvents += 1
            if let missing = scored.firstMissing(in: range) {
                facts.unscoredReads.append(TraceFinding(event.location,
                    "\(kind) update reads \(range) but \(missing) was not scored before it", range: missing))
            }
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
