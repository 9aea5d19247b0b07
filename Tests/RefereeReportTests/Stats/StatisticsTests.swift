import Testing
@testable import RefereeReport

@Suite struct StatisticsTests {
    @Test func meanAndSampleStd() throws {
        let xs = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]
        #expect(Statistics.mean(xs) == 5.0)
        // Sum of squares 32, n − 1 = 7.
        let std = try #require(Statistics.sampleStd(xs))
        #expect(abs(std - (32.0 / 7).squareRoot()) < 1e-12)
        #expect(Statistics.sampleStd([1.0]) == nil)
        #expect(Statistics.mean([]) == nil)
    }

    /// Welch and one-sample versions against scipy, on the A2_Muon097 losses.
    @Test func improvementPValueMatchesScipy() throws {
        let new = [2.78790132, 2.78966630, 2.79039264]
        let welch = try #require(Statistics.improvementPValue(new: new, old: [2.80, 2.805, 2.81], margin: 0.005))
        #expect(abs(welch - 0.029024086190322797) < 1e-9)
        let oneSample = try #require(Statistics.improvementPValue(new: new, old: [2.80], margin: 0.005))
        #expect(abs(oneSample - 0.008270710926579484) < 1e-9)
        #expect(Statistics.improvementPValue(new: [2.79], old: [2.80], margin: 0.005) == nil)
    }
}
