import Foundation
import RefereeTestSupport

/// SplitMix64: a small seeded generator, so every fuzz run is reproducible from its seed.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Byte-level mutations in the style of libFuzzer's: flips, inserts, deletes, copies, splices
/// of dictionary tokens (the parser's own keywords) and of other seeds, and hostile numbers.
enum Mutator {
    /// Numbers that have crashed or hung parsers before: huge, tiny, negative, non-finite.
    static let hostileNumbers = ["1e30", "-1e308", "1e308", "9e15", "-9000000000000000", "9223372036854775807",
                                 "9223372036854775808", "-9223372036854775809", "1e-400", "NaN", "inf", "-0", "0.5",
                                 "18446744073709551616", "4294967296", "2147483648", "-1"]

    static func mutate(_ input: [UInt8], dictionary: [[UInt8]], seeds: [[UInt8]], rng: inout SeededRandom) -> [UInt8] {
        var bytes = input
        let rounds = Int.random(in: 1...4, using: &rng)
        for _ in 0..<rounds {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0...bytes.count, using: &rng)
            switch Int.random(in: 0..<9, using: &rng) {
            case 0 where !bytes.isEmpty:  // flip a bit
                let i = Int.random(in: 0..<bytes.count, using: &rng)
                bytes[i] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &rng)
            case 1:  // insert a random byte
                bytes.insert(UInt8.random(in: 0...255, using: &rng), at: position)
            case 2 where !bytes.isEmpty:  // delete a run
                let i = Int.random(in: 0..<bytes.count, using: &rng)
                let n = Int.random(in: 1...min(16, bytes.count - i), using: &rng)
                bytes.removeSubrange(i..<i + n)
            case 3 where !dictionary.isEmpty:  // insert a keyword
                bytes.insert(contentsOf: dictionary.randomElement(using: &rng)!, at: position)
            case 4:  // insert a hostile number
                bytes.insert(contentsOf: Array(hostileNumbers.randomElement(using: &rng)!.utf8), at: position)
            case 5 where !bytes.isEmpty:  // duplicate a chunk (repeated keys, repeated lines)
                let i = Int.random(in: 0..<bytes.count, using: &rng)
                let n = Int.random(in: 1...min(64, bytes.count - i), using: &rng)
                bytes.insert(contentsOf: Array(bytes[i..<i + n]), at: position)
            case 6 where !seeds.isEmpty:  // splice another seed
                let other = seeds.randomElement(using: &rng)!
                if !other.isEmpty {
                    let cut = Int.random(in: 0...other.count, using: &rng)
                    bytes = Array(bytes.prefix(position)) + Array(other[cut...])
                }
            case 7 where !bytes.isEmpty:  // overwrite with an interesting byte
                let i = Int.random(in: 0..<bytes.count, using: &rng)
                bytes[i] = [0x00, 0xFF, 0x7F, 0x80, 0x22, 0x5C, 0x0A, 0x7B, 0x5B, 0xC3, 0xCC].randomElement(using: &rng)!
            case 8 where !bytes.isEmpty:  // truncate
                bytes.removeSubrange(Int.random(in: 0..<bytes.count, using: &rng)...)
            default:
                break
            }
        }
        return bytes
    }
}

/// A seeded fuzz run over one parser: starts from the committed corpus (`Fuzz/corpus/<name>/`,
/// shared with `scripts/fuzz.sh`) plus in-test seeds, mutates, and calls `body` on each input.
/// The body must not crash (a trap ends the test process, failing the suite); properties it
/// checks are recorded as issues by the body itself.
struct FuzzRun {
    var name: String
    var seeds: [[UInt8]]
    var dictionary: [String]
    var iterations: Int
    var seed: UInt64 = 0x5EED_0013

    static func corpus(_ name: String) -> [[UInt8]] {
        let dir = TestPaths.repoRoot.appendingPathComponent("Fuzz/corpus/\(name)")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path))?.sorted() ?? []
        return files.compactMap { try? [UInt8](Data(contentsOf: dir.appendingPathComponent($0))) }
    }

    /// Runs the fuzzer; returns the number of inputs tried.
    @discardableResult
    func run(_ body: ([UInt8]) throws -> Void) rethrows -> Int {
        var rng = SeededRandom(seed: seed ^ UInt64(truncatingIfNeeded: name.utf8.reduce(5381) { ($0 << 5) &+ $0 &+ Int($1) }))
        let pool = Self.corpus(name) + seeds
        let dict = dictionary.map { Array($0.utf8) }
        var tried = 0
        for s in pool {
            try body(s)
            tried += 1
        }
        guard !pool.isEmpty else { return tried }
        for _ in 0..<iterations {
            let base = pool.randomElement(using: &rng)!
            try body(Mutator.mutate(base, dictionary: dict, seeds: pool, rng: &rng))
            tried += 1
        }
        return tried
    }
}
