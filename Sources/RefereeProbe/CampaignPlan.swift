import RefereeCore

/// Everything a v2 campaign draws from its seed, once the artifact is hashed: the cut
/// positions (one per stratum of the target positions `[1, N)`, a share of them at structural
/// positions), the replacement text of each cut, the distribution positions D and the order in
/// which the evaluations run.
struct CampaignPlan: Sendable {
    /// One cut: the stream is kept before `position` and replaced from it on by the text at
    /// `source` (`x'[position + j] = x[(source + j) mod N]`).
    struct Cut: Sendable, Hashable {
        var position: Int
        var kind: String
        var source: Int
    }

    static let bos: UInt16 = 1
    /// Chunk and window sizes of common evaluators: a cut may sit on a multiple of one.
    static let boundaries = [64, 1024, 2048, 32768]
    static let structuralClasses = ["doc-start", "doc-end", "boundary"]

    var cuts: [Cut]
    /// Target positions whose full distribution every evaluation dumps (sorted, includes the cuts).
    var positions: [Int]
    /// Evaluation names in the order they run.
    var order: [String]
    /// Probability that the plan draws a cut of each structural class (stated power).
    var structural: [String: Double]

    /// The number of cuts for a budget (evaluations besides `official`: 1 control + cuts).
    static func cutCount(budget: Int) -> Int { max(0, budget - 1) }

    /// Draws the plan for the stream `tokens` (N = count ≥ 16).
    /// - Parameters:
    ///   - budget: evaluations besides `official` (1 control + `budget − 1` cuts); 0 draws no
    ///     control and no cut (official only), 1 a control only.
    ///   - extra: random positions added to D (besides the cuts and 2 document starts).
    ///   - heldout: adds a `heldout` evaluation to the order.
    init(tokens: [UInt16], budget: Int, extra: Int, heldout: Bool, rng: inout SplitMix64) {
        let n = tokens.count
        let m = Self.cutCount(budget: budget)
        let bosAt = tokens.indices.filter { tokens[$0] == Self.bos }
        // Strata of the targets [1, n): cut k lies in [lo_k, hi_k).
        let strata = (0..<m).map { s in (1 + (n - 1) * s / m, max(1 + (n - 1) * (s + 1) / m, 1 + (n - 1) * s / m + 1)) }
        let structuralCount = (m + 2) / 3
        var chosen = Array(0..<m)
        chosen.shuffle(using: &rng)
        let structuralStrata = Array(chosen.prefix(structuralCount))
        var classes = Self.structuralClasses
        classes.shuffle(using: &rng)
        var cuts: [Cut] = []
        for s in 0..<m {
            let (lo, hi) = strata[s]
            var position = Int.random(in: lo..<min(hi, n), using: &rng)
            var kind = "random"
            if let rank = structuralStrata.firstIndex(of: s) {
                // Classes go round a random permutation, so every class is drawn once there
                // are three structural cuts; a class with no candidate here gives way to the next.
                for t in 0..<classes.count {
                    let cls = classes[(rank + t) % classes.count]
                    if let hit = Self.structural(cls, lo: lo, hi: min(hi, n), bosAt: bosAt, n: n, rng: &rng) {
                        (position, kind) = hit
                        break
                    }
                }
            }
            let source = Self.source(for: position, tokens: tokens, rng: &rng)
            cuts.append(Cut(position: position, kind: kind, source: source))
        }
        self.cuts = cuts
        var d = Set(cuts.map(\.position))
        let wanted = min(d.count + max(0, extra), n - 1)
        while d.count < wanted { d.insert(Int.random(in: 1..<n, using: &rng)) }
        let starts = bosAt.filter { $0 + 1 < n }
        for _ in 0..<min(2, starts.count) { d.insert(starts[Int.random(in: 0..<starts.count, using: &rng)] + 1) }
        positions = d.sorted()
        var names = ["official"] + (budget >= 1 ? ["control"] : []) + (0..<m).map { "cut-\($0 + 1)" } + (heldout ? ["heldout"] : [])
        names.shuffle(using: &rng)
        order = names
        // A class is drawn with certainty once every class has a structural cut (and the data has
        // candidates); otherwise with probability structuralCount / 3.
        let p = min(1.0, Double(structuralCount) / Double(Self.structuralClasses.count))
        structural = Dictionary(uniqueKeysWithValues: Self.structuralClasses.map { ($0, m == 0 ? 0 : p) })
    }

    /// A structural position of class `cls` in `[lo, hi)`, drawn at random; nil when none.
    static func structural(_ cls: String, lo: Int, hi: Int, bosAt: [Int], n: Int, rng: inout SplitMix64) -> (Int, String)? {
        switch cls {
        case "doc-start":
            let c = bosAt.flatMap { [$0 + 1, $0 + 2] }.filter { $0 >= lo && $0 < hi && $0 < n }
            return c.isEmpty ? nil : (c[Int.random(in: 0..<c.count, using: &rng)], cls)
        case "doc-end":
            let c = bosAt.map { $0 - 1 }.filter { $0 >= max(lo, 1) && $0 < hi }
            return c.isEmpty ? nil : (c[Int.random(in: 0..<c.count, using: &rng)], cls)
        default:
            let sizes = boundaries.filter { b in (lo + b - 1) / b * b < hi }
            guard let b = sizes.randomElement(using: &rng) else { return nil }
            let first = (lo + b - 1) / b, last = (hi - 1) / b
            return (Int.random(in: first...last, using: &rng) * b, "boundary-\(b)")
        }
    }

    /// Where the replacement text of a cut at `position` starts: random, at least N/4 away
    /// (circularly), redrawn until the first replaced token differs from the original.
    static func source(for position: Int, tokens: [UInt16], rng: inout SplitMix64) -> Int {
        let n = tokens.count
        var r = 0
        for _ in 0..<1000 {
            r = Int.random(in: 0..<n, using: &rng)
            let distance = min(abs(r - position), n - abs(r - position))
            if distance >= n / 4, tokens[r] != tokens[position] { return r }
        }
        return r
    }

    /// The stream of a cut: `tokens` before `cut.position`, the text at `cut.source` from it on.
    static func cutStream(_ tokens: [UInt16], _ cut: Cut) -> [UInt16] {
        let n = tokens.count
        var out = tokens
        for j in 0..<(n - cut.position) { out[cut.position + j] = tokens[(cut.source + j) % n] }
        return out
    }
}
