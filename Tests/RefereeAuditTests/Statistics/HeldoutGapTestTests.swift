import Foundation
import Testing
import RefereeCore
@testable import RefereeAudit

/// HeldoutGapTest (rule data.heldout-gap): the statistic by hand, its false-alarm rate on
/// synthetic honest block lists (correlated like real ones), its power, the minimum gap.
struct HeldoutGapTestTests {
    /// Blocks with the given per-block bpb (bytes 1000 each, 2048 targets).
    static func blocks(_ bpb: [Double], bytes: Double = 1000) -> [ScoreBlock] {
        bpb.enumerated().map { i, v in
            ScoreBlock(start: 1 + 2048 * i, end: 1 + 2048 * (i + 1), nll: v * log(2.0) * bytes, bytes: bytes)
        }
    }

    /// A stationary AR(1) series: x_i = mean + ρ (x_{i−1} − mean) + σ √(1 − ρ²) ε_i.
    static func ar1(_ n: Int, mean: Double, sigma: Double, rho: Double, _ rng: inout SplitMix64) -> [Double] {
        var out: [Double] = []
        var x = gaussian(&rng) * sigma
        for _ in 0..<n {
            out.append(mean + x)
            x = rho * x + sigma * (1 - rho * rho).squareRoot() * gaussian(&rng)
        }
        return out
    }

    static func gaussian(_ rng: inout SplitMix64) -> Double {
        let u1 = max(Double(rng.next() >> 11) / Double(1 << 53), 1e-300)
        let u2 = Double(rng.next() >> 11) / Double(1 << 53)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }

    @Test func independentBlocksGiveWelchsStatistic() throws {
        let o = [1.00, 1.10, 0.90, 1.05, 0.95, 1.02, 0.98, 1.00]
        let h = [1.10, 1.20, 1.00, 1.15, 1.05, 1.12, 1.08, 1.10]
        // Alternate signs so the lag-1 autocorrelation is negative (clamped to 0: plain Welch).
        let test = try #require(HeldoutGapTest(official: Self.blocks(o), heldout: Self.blocks(h), alpha: 0.01, minGap: 0.002))
        #expect(test.official.effective == 8 && test.heldout.effective == 8)
        let mo = o.reduce(0, +) / 8, mh = h.reduce(0, +) / 8
        let vo = o.map { ($0 - mo) * ($0 - mo) }.reduce(0, +) / 7
        let vh = h.map { ($0 - mh) * ($0 - mh) }.reduce(0, +) / 7
        #expect(abs(test.gap - (mh - mo)) < 1e-12)
        #expect(abs(test.t - (mh - mo) / (vo / 8 + vh / 8).squareRoot()) < 1e-9)
        #expect(abs(test.degreesOfFreedom - 14) < 1e-9)  // equal variances and sizes: 2n − 2
        #expect(test.pValue < 0.01 && test.significant)
        // The same gap the other way round: validation WORSE is never a failure.
        let reverse = try #require(HeldoutGapTest(official: Self.blocks(h), heldout: Self.blocks(o), alpha: 0.01, minGap: 0.002))
        #expect(reverse.pValue > 0.99 && !reverse.significant)
    }

    @Test func correlatedBlocksCountAsFewerIndependentOnes() throws {
        // A slow trend: strongly positively autocorrelated.
        let o = (0..<20).map { 1.0 + 0.01 * Double($0) }
        let test = try #require(HeldoutGapTest(official: Self.blocks(o), heldout: Self.blocks(o.map { $0 + 0.01 }), alpha: 0.01, minGap: 0))
        #expect(test.official.lag1 > 0.5)
        #expect(test.official.effective < 20 * 0.34)
    }

    @Test func tailAndEmptyBlocksAreLeftOutAndTooFewBlocksGiveNoTest() throws {
        var o = Self.blocks([1.0, 1.1, 0.9, 1.0, 1.05])
        o.append(ScoreBlock(start: o.last!.end, end: o.last!.end + 100, nll: 0.1, bytes: 10))  // short tail, bpb 0.014
        o.append(ScoreBlock(start: 1 + 2048 * 10, end: 1 + 2048 * 11, nll: 0, bytes: 0))         // no bytes
        #expect(HeldoutGapTest.usable(o).count == 5)
        let test = try #require(HeldoutGapTest(official: o, heldout: Self.blocks([1.0, 1.1, 0.9, 1.0]), alpha: 0.01, minGap: 0.002))
        #expect(test.official.blocks == 5 && abs(test.official.mean - 1.01) < 1e-12)
        #expect(HeldoutGapTest(official: o, heldout: Self.blocks([1.0, 1.1, 0.9]), alpha: 0.01, minGap: 0.002) == nil)
        #expect(HeldoutGapTest(official: Self.blocks([1, 1, 1, 1]), heldout: Self.blocks([1, 1, 1, 1]), alpha: 0.01, minGap: 0.002) == nil)
        #expect(HeldoutGapTest(official: Self.blocks([1, .nan, 1, 1]), heldout: Self.blocks([1, 2, 1, 1]), alpha: 0.01, minGap: 0.002) == nil)
    }

    @Test func aSignificantGapBelowTheMinimumIsNotAFailure() throws {
        var rng = SplitMix64(seed: 7)
        let o = Self.ar1(4000, mean: 1.000, sigma: 0.01, rho: 0, &rng)
        let h = Self.ar1(4000, mean: 1.0015, sigma: 0.01, rho: 0, &rng)
        let test = try #require(HeldoutGapTest(official: Self.blocks(o), heldout: Self.blocks(h), alpha: 0.01, minGap: 0.002))
        #expect(test.pValue < 0.01)
        #expect(!test.significant)
    }

    /// False-alarm rate on honest block lists (same mean, per-block sd 0.02 and lag-1
    /// correlation 0.3 like the CPU reference's, 30 blocks a side), 2000 pairs: at most α = 1 %
    /// within sampling error; without the autocorrelation correction it is higher.
    @Test func falseAlarmRateOnHonestBlocksIsAtMostAlpha() throws {
        var rng = SplitMix64(seed: 20_240_520)
        var alarms = 0
        var naive = 0
        let trials = 2000
        for _ in 0..<trials {
            let o = Self.blocks(Self.ar1(30, mean: 1.17, sigma: 0.02, rho: 0.3, &rng))
            let h = Self.blocks(Self.ar1(30, mean: 1.17, sigma: 0.02, rho: 0.3, &rng))
            let test = try #require(HeldoutGapTest(official: o, heldout: h, alpha: 0.01, minGap: 0.002))
            if test.significant { alarms += 1 }
            let plain = try #require(HeldoutGapTest(official: o, heldout: h, alpha: 0.01, minGap: 0.002, correctAutocorrelation: false))
            if plain.significant { naive += 1 }
        }
        let rate = Double(alarms) / Double(trials)
        print("data.heldout-gap synthetic honest: \(alarms)/\(trials) false alarms (\(rate)); without the AR(1) correction \(naive)/\(trials)")
        #expect(rate <= 0.015)
        #expect(naive > alarms)
    }

    /// Power at the CPU reference's noise (per-block sd 0.02, lag-1 correlation 0.3, 30 blocks
    /// a side): a validation advantage of 0.04 bpb (two thirds of what the cheater
    /// validation_in_training gains) is caught ≥ 95 % of the time; 0.02 and 0.03 are printed.
    @Test func powerOnASmallerValidationAdvantage() throws {
        var rng = SplitMix64(seed: 99)
        var rates: [Double: Double] = [:]
        let trials = 400
        for gap in [0.02, 0.03, 0.04] {
            var caught = 0
            for _ in 0..<trials {
                let o = Self.blocks(Self.ar1(30, mean: 1.17 - gap, sigma: 0.02, rho: 0.3, &rng))
                let h = Self.blocks(Self.ar1(30, mean: 1.17, sigma: 0.02, rho: 0.3, &rng))
                if try #require(HeldoutGapTest(official: o, heldout: h, alpha: 0.01, minGap: 0.002)).significant { caught += 1 }
            }
            rates[gap] = Double(caught) / Double(trials)
        }
        print("data.heldout-gap synthetic power (\(trials) pairs each): gap 0.02 → \(rates[0.02]!), 0.03 → \(rates[0.03]!), 0.04 → \(rates[0.04]!)")
        #expect(rates[0.04]! >= 0.95)
        #expect(rates[0.02]! < rates[0.04]!)
    }

    @Test func normalQuantileMatchesKnownValues() {
        #expect(abs(HeldoutGapTest.normalQuantile(0.99) - 2.326347874) < 1e-6)
        #expect(abs(HeldoutGapTest.normalQuantile(0.9) - 1.281551566) < 1e-6)
        #expect(abs(HeldoutGapTest.normalQuantile(0.001) + 3.090232306) < 1e-6)
    }
}
