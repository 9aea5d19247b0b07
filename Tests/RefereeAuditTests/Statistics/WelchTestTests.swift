import Testing
@testable import RefereeAudit

@Suite struct StudentTTests {
    // Expected values from scipy 1.x on this machine:
    //   python3 -c "from scipy import stats; print(stats.t.cdf(1.5, 3), stats.t.cdf(-2.1, 7.3),
    //               stats.t.cdf(0.3, 1), stats.t.cdf(4.2, 30.5))"
    @Test(arguments: [
        (1.5, 3.0, 0.8847080673775886),
        (-2.1, 7.3, 0.0361233567124267),
        (0.3, 1.0, 0.5927735790777423),
        (4.2, 30.5, 0.9998928957134564),
        (0.0, 5.0, 0.5),
    ])
    func cdfMatchesScipy(t: Double, df: Double, expected: Double) {
        #expect(abs(StudentT.cdf(t, df: df) - expected) < 1e-10)
    }

    // scipy.special.betainc(2.5, 0.5, 0.3), betainc(10, 3, 0.9)
    @Test func incompleteBetaMatchesScipy() {
        #expect(abs(StudentT.regularizedIncompleteBeta(0.3, a: 2.5, b: 0.5) - 0.018927124071945658) < 1e-12)
        #expect(abs(StudentT.regularizedIncompleteBeta(0.9, a: 10, b: 3) - 0.889130022255) < 1e-10)
        #expect(StudentT.regularizedIncompleteBeta(0, a: 2, b: 3) == 0)
        #expect(StudentT.regularizedIncompleteBeta(1, a: 2, b: 3) == 1)
    }
}

@Suite struct WelchTestTests {
    // scipy: stats.ttest_ind(old, [x + 0.005 for x in new], equal_var=False, alternative='greater')
    // with old = [1.2, 1.25, 1.1, 1.3], new = [1.0, 1.1, 0.9]
    //   -> statistic 2.8896890888645883, pvalue 0.022354802581833942, df 3.990093635500068
    @Test func smallSamplesMatchScipy() throws {
        let test = try #require(WelchTest(new: [1.0, 1.1, 0.9], old: [1.2, 1.25, 1.1, 1.3], margin: 0.005))
        #expect(abs(test.t - 2.8896890888645883) < 1e-9)
        #expect(abs(test.degreesOfFreedom - 3.990093635500068) < 1e-9)
        #expect(abs(test.pValue - 0.022354802581833942) < 1e-9)
    }

    // Real val_loss values: 2026-03-23 LeakyReLU seeds (score lines, sliding-window exact) against
    // 2026-03-20 11L XSA seeds 1337/2025/42 -> statistic 4.980171253025555,
    // pvalue 0.0038855364195839416, df 3.9651889520361796 (scipy as above).
    @Test func realRecordsMatchScipy() throws {
        let new = [1.89385556, 1.89307789, 1.89556781]
        let old = [1.90301335, 1.90518030, 1.90563076]
        let test = try #require(WelchTest(new: new, old: old, margin: 0.005))
        #expect(abs(test.t - 4.980171253025555) < 1e-6)
        #expect(abs(test.degreesOfFreedom - 3.9651889520361796) < 1e-6)
        #expect(abs(test.pValue - 0.0038855364195839416) < 1e-8)
        #expect(test.improvement > 0.005)
    }

    @Test func undefinedWithoutTwoRunsPerSideOrVariance() {
        #expect(WelchTest(new: [1.0], old: [1.2, 1.3], margin: 0.005) == nil)
        #expect(WelchTest(new: [1.0, 1.0], old: [1.2, 1.2], margin: 0.005) == nil)
    }
}
