/// A deterministic generator (SplitMix64) so a probe can be replayed from its seed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The probe shards and positions, drawn from the validation prefix after the artifact exists.
struct ProbePlan: Sendable {
    /// The original prefix `x[0..<n)`.
    var original: [UInt16]
    /// Same prefix up to `cut`, other tokens from `cut` on.
    var perturbed: [UInt16]
    /// Same as `original` except `x[flipPosition]`.
    var flipped: [UInt16]
    var cut: Int
    var flipPosition: Int
    /// Target positions whose full distribution is dumped (sorted, includes `flipPosition`).
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
            perturbed[i] = i == cut ? draw(differentFrom: tokens[i], rng: &rng) : candidatesToken(pool, tokens[i], &rng)
        }
        flipPosition = Int.random(in: max(1, n / 2)...(n - 1), using: &rng)
        flipped = tokens
        flipped[flipPosition] = draw(differentFrom: tokens[flipPosition], rng: &rng)
        var chosen: Set<Int> = [flipPosition]
        while chosen.count < min(count + 1, n - 1) {
            chosen.insert(Int.random(in: 1..<n, using: &rng))
        }
        positions = chosen.sorted()
    }
}

private func candidatesToken(_ pool: [UInt16], _ fallback: UInt16, _ rng: inout SplitMix64) -> UInt16 {
    pool.isEmpty ? fallback : pool[Int.random(in: 0..<pool.count, using: &rng)]
}
