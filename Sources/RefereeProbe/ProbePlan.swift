import RefereeCore

/// The probe shards and positions, drawn from the validation prefix after the artifact exists.
struct ProbePlan: Sendable {
    /// The original prefix `x[0..<n)`.
    var original: [UInt16]
    /// Same prefix up to `cut`, other tokens from `cut` on.
    var perturbed: [UInt16]
    var cut: Int
    /// Distinct target positions in the second half, one flip run each: the first is flipped to
    /// the least likely token of the control distribution, the second to the most likely one,
    /// the others (and any whose distribution is missing) to `randomFlipTokens`.
    var flipPositions: [Int]
    var randomFlipTokens: [UInt16]
    static let flipCount = 4
    /// Target positions whose full distribution is dumped (sorted, includes `flipPositions`).
    var positions: [Int]

    static let bos: UInt16 = 1
    static let defaultLength = 4096
    static let maxLength = 8192

    /// How many tokens of the shard the probe uses: `defaultLength`, extended (up to
    /// `maxLength`) so that a document boundary (BOS at index ≥ 1) lies inside.
    static func length(of tokens: [UInt16]) -> Int {
        let base = min(defaultLength, tokens.count)
        if tokens[1..<base].contains(bos) { return base }
        if let i = tokens[1..<min(maxLength, tokens.count)].firstIndex(of: bos) {
            return min(tokens.count, i + 256, maxLength)
        }
        return base
    }

    /// Draws the cut, the flip and `count` distribution positions from `rng`.
    init(tokens: [UInt16], count: Int, rng: inout SplitMix64) {
        let n = tokens.count
        original = tokens
        cut = Int.random(in: max(1, n / 4)...max(1, 3 * n / 4), using: &rng)
        // Replacement tokens come from the prefix itself, so they are valid ids of the vocabulary.
        let pool = tokens.filter { $0 > 3 }
        func draw(differentFrom old: UInt16, rng: inout SplitMix64) -> UInt16 {
            let candidates = pool.isEmpty ? [UInt16(4), 5] : pool
            for _ in 0..<64 {
                let t = candidates[Int.random(in: 0..<candidates.count, using: &rng)]
                if t != old { return t }
            }
            return old == 4 ? 5 : 4
        }
        perturbed = tokens
        for i in cut..<n {
            if i == cut {
                perturbed[i] = draw(differentFrom: tokens[i], rng: &rng)
            } else if !pool.isEmpty {
                perturbed[i] = pool[Int.random(in: 0..<pool.count, using: &rng)]
            }
        }
        var flips: [Int] = []
        while flips.count < Self.flipCount, flips.count < n / 2 {
            let f = Int.random(in: max(1, n / 2)...(n - 1), using: &rng)
            if !flips.contains(f) { flips.append(f) }
        }
        flipPositions = flips
        randomFlipTokens = flips.map { draw(differentFrom: tokens[$0], rng: &rng) }
        var chosen = Set(flipPositions)
        let wanted = min(count + chosen.count, n - 1)
        while chosen.count < wanted {
            chosen.insert(Int.random(in: 1..<n, using: &rng))
        }
        positions = chosen.sorted()
    }

    /// `original` with `x[position]` replaced by `token`.
    func flipped(at position: Int, to token: UInt16) -> [UInt16] {
        var out = original
        out[position] = token
        return out
    }

    /// The least and the most likely token of `probs` other than `original[position]` and the
    /// control ids 0–3; nil when the vector is too short.
    func extremes(_ probs: [Double], at position: Int) -> (least: UInt16, most: UInt16)? {
        let target = Int(original[position])
        var least: (Int, Double)?
        var most: (Int, Double)?
        for (t, p) in probs.enumerated() where t > 3 && t != target && t <= Int(UInt16.max) {
            if least.map({ p < $0.1 }) ?? true { least = (t, p) }
            if most.map({ p > $0.1 }) ?? true { most = (t, p) }
        }
        guard let least, let most else { return nil }
        return (UInt16(least.0), UInt16(most.0))
    }
}
