/// The documents of the validation stream, by target position, for `causal.single-pass`.
///
/// A document begins at a BOS token at stream position `s`; its targets (the positions scored
/// from its own context) run from `s + 1` up to and including the next document's BOS, which is
/// predicted from this document's text (as evaluators that split the stream into documents
/// count it, e.g. the LoRA TTT record's `_find_docs(include_next_bos=True)`). Targets before
/// the first BOS form a prefix, document -1.
package struct DocumentIndex: Hashable, Sendable {
    /// The first target of each document: its BOS position + 1, strictly ascending.
    package let firsts: [Int]

    /// Nil when `starts` are not strictly ascending positions inside a stream of `tokens`
    /// tokens (when given): such a list describes no stream, and nothing is ordered by it.
    package init?(starts: [Int], tokens: Int? = nil) {
        var previous = -1
        for s in starts {
            // `s < Int.max`: the first target is `s + 1` (a tampered run.json must not trap it).
            guard s > previous, s >= 0, s < Int.max, tokens.map({ s < $0 }) ?? true else { return nil }
            previous = s
        }
        firsts = starts.map { $0 + 1 }
    }

    /// The document holding target `position` (-1 before the first document).
    package func document(of position: Int) -> Int {
        var lo = 0, hi = firsts.count   // first index whose first target is past `position`
        while lo < hi {
            let mid = (lo + hi) / 2
            if firsts[mid] <= position { lo = mid + 1 } else { hi = mid }
        }
        return lo - 1
    }

    /// The end (exclusive) of document `d`'s targets: the next document's first target.
    package func end(of d: Int) -> Int {
        d + 1 < firsts.count ? firsts[d + 1] : .max
    }
}
