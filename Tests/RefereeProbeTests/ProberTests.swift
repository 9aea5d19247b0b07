import Foundation
import RefereeCore
import Testing
import RefereeTestSupport
import RefereeTrace
@testable import RefereeProbe

@Suite struct ProbeShardTests {
    @Test func roundTripAndHeader() throws {
        let dir = try TestPaths.tempDir("shard")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("fineweb_val_000001.bin")
        let tokens: [UInt16] = [1, 500, 65535, 0, 1023]
        try ProbeShard.write(tokens, to: url)
        let data = try Data(contentsOf: url)
        #expect(data.count == 1024 + 10)
        #expect(Array(data.prefix(4)) == [0x88, 0xD8, 0x34, 0x01]) // 20240520 LE
        #expect(try ProbeShard.read(url, limit: 100) == tokens)
        #expect(try ProbeShard.read(url, limit: 2) == [1, 500])
        #expect(try ProbeShard.firstValidationShard(in: dir) == url)
    }

    @Test func badShardsNameTheProblem() throws {
        let dir = try TestPaths.tempDir("shard-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("fineweb_val_000000.bin")
        try Data(repeating: 0, count: 1024).write(to: url)
        let badMagic = #expect(throws: ProbeError.self) { try ProbeShard.read(url, limit: 10) }
        #expect(badMagic?.description.contains("20240520") == true, "the error names the expected magic: \(String(describing: badMagic))")
        try ProbeShard.write([1, 2, 3], to: url)
        var short = try Data(contentsOf: url)
        short.removeLast(2)
        try short.write(to: url)
        #expect(throws: ProbeError.self) { try ProbeShard.read(url, limit: 10) }
        let empty = try TestPaths.tempDir("shard-none")
        #expect(throws: ProbeError.self) { try ProbeShard.firstValidationShard(in: empty) }
    }
}

@Suite struct ProbePlanTests {
    @Test(arguments: [UInt64(1), 2, 3, 12345])
    func planKeepsItsPromises(seed: UInt64) {
        var rng = SplitMix64(seed: 7)
        let tokens: [UInt16] = (0..<5000).map { $0 % 700 == 0 ? 1 : UInt16.random(in: 4..<1024, using: &rng) }
        let n = ProbePlan.length(of: tokens)
        #expect(n == 4096)
        var planRNG = SplitMix64(seed: seed)
        let plan = ProbePlan(tokens: Array(tokens.prefix(n)), count: 8, rng: &planRNG)
        #expect(plan.perturbed.prefix(plan.cut) == plan.original.prefix(plan.cut))
        #expect(plan.perturbed[plan.cut] != plan.original[plan.cut])
        #expect(Set(plan.flipPositions).count == 4)
        #expect(plan.flipPositions.allSatisfy { $0 >= n / 2 && $0 < n && plan.positions.contains($0) })
        for (f, token) in zip(plan.flipPositions, plan.randomFlipTokens) {
            #expect(token != plan.original[f])
            #expect(zip(plan.flipped(at: f, to: token), plan.original).filter { $0 != $1 }.count == 1)
        }
        #expect(plan.positions.count == 12)
        #expect(plan.positions.allSatisfy { $0 >= 1 && $0 < n })
        var again = SplitMix64(seed: seed)
        let replay = ProbePlan(tokens: Array(tokens.prefix(n)), count: 8, rng: &again)
        #expect(replay.positions == plan.positions && replay.cut == plan.cut)
    }

    @Test func extremesSkipTheTargetAndControlIds() {
        var rng = SplitMix64(seed: 1)
        let plan = ProbePlan(tokens: [1, 7, 5, 6, 7, 8, 9, 10], count: 2, rng: &rng)
        let position = 4 // target 7
        var probs = [Double](repeating: 0.1, count: 12)
        probs[0] = 0.0001   // control id: skipped
        probs[7] = 0.9      // the target itself: skipped
        probs[9] = 0.5
        probs[11] = 0.001
        let e = plan.extremes(probs, at: position)
        #expect(e?.least == 11)
        #expect(e?.most == 9)
    }

    @Test func lengthExtendsToReachADocumentBoundary() {
        var tokens = [UInt16](repeating: 9, count: 10000)
        tokens[0] = 1
        tokens[5000] = 1
        #expect(ProbePlan.length(of: tokens) == 5256)
    }
}

@Suite(.serialized) struct ProberTests {
    func probe(_ variant: String) throws -> ProbeReport {
        try probeCountingStarts(variant).0
    }

    /// The report and how many times the submission's script was started.
    func probeCountingStarts(_ variant: String) throws -> (ProbeReport, Int) {
        let root = try ProbeSubmissions.make(variant)
        defer { try? FileManager.default.removeItem(at: root) }
        let options = ProbeOptions(record: root, dataPath: root.appendingPathComponent("data"), positions: 4, seed: 2024, timeout: 60)
        let report = try Prober.probe(options)
        // The script runs in a fresh, sandboxed working folder: Referee's own count of the
        // processes it started is the measure.
        return (report, report.evaluationProcesses ?? 0)
    }

    /// What must not depend on how the runs were grouped into processes.
    func verdicts(_ r: ProbeReport) -> [String] {
        ["\(r.entryPoint) \(r.noise.map { "\($0)" } ?? "-") \(r.prefixMaxDelta.map { "\($0)" } ?? "-") \(r.cut ?? -1)",
         "\(r.flips)", "\(r.distributions)", "\(r.runs.map(\.name)) \(r.runs.map(\.wroteOutputs))"]
    }

    @Test func planAwareSubmissionStartsOnceWithTheSameResults() throws {
        let (batched, starts) = try probeCountingStarts("plan")
        let (single, singleStarts) = try probeCountingStarts("honest")
        #expect(batched.entryPoint, "\(batched.problems) \(batched.runs.map(\.stderrTail))")
        #expect(starts == 1) // flip-1 and flip-2 were appended to the plan once control-a was written
        #expect(singleStarts == 7) // ignores the plan: answers the first request, the rest run alone
        #expect(batched.runs.map(\.name) == ["control-a", "control-b", "prefix", "flip-1", "flip-2", "flip-3", "flip-4"])
        #expect(batched.flips.map(\.strategy) == ["least-likely", "most-likely", "random", "random"])
        #expect(verdicts(batched) == verdicts(single))
        #expect(batched.distributions.count == 48)
        let (listed, listedStarts) = try probeCountingStarts("plan-static")
        #expect(listedStarts == 3) // the five listed at start, then flip-1 and flip-2 alone
        #expect(verdicts(listed) == verdicts(single))
    }

    @Test func missingPlanOutputsFallBackToOneProcessEach() throws {
        let (r, starts) = try probeCountingStarts("plan-partial")
        #expect(r.entryPoint, "\(r.problems)")
        // the plan's process answers control-a and control-b; prefix, flip-3, flip-4 and the
        // appended flip-1, flip-2 then run alone
        #expect(starts == 1 + 5)
        #expect(r.runs.allSatisfy { $0.wroteOutputs })
        #expect(r.problems.isEmpty)
        let (single, _) = try probeCountingStarts("honest")
        #expect(verdicts(r) == verdicts(single))
    }

    @Test func planFileListsEveryRequestInOrder() throws {
        let dir = try TestPaths.tempDir("probe-plan-file")
        defer { try? FileManager.default.removeItem(at: dir) }
        let specs = ["a", "b"].map { EvalSpec(name: $0, shard: dir.appendingPathComponent("\($0).bin"),
                                               outDir: dir.appendingPathComponent($0), positions: $0 == "a" ? [3, 9] : [], tokens: 10) }
        let url = dir.appendingPathComponent("plan.json")
        try EntryPointRunner.writePlan(specs, more: true, to: url)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        #expect(object?["more"] as? Bool == true)
        let requests = try #require(object?["requests"] as? [[String: Any]])
        #expect(requests.map { $0["shard"] as? String } == specs.map(\.shard.path))
        #expect(requests.map { $0["out"] as? String } == specs.map(\.outDir.path))
        #expect(requests.map { $0["positions"] as? [Int] } == [[3, 9], []])
        #expect(EntryPointRunner.singleVariables(specs[0])["REFEREE_DIST_POSITIONS"] == "3,9")
    }

    @Test func honestSubmissionIsInvariant() throws {
        let r = try probe("honest")
        #expect(r.entryPoint, "\(r.problems) \(r.runs.map(\.stderrTail))")
        #expect(r.runs.map(\.name) == ["control-a", "control-b", "prefix", "flip-1", "flip-2", "flip-3", "flip-4"])
        #expect(r.flips.map(\.strategy) == ["least-likely", "most-likely", "random", "random"])
        #expect(r.artifact == "artifact.json")
        #expect(r.artifactSHA256?.count == 64)
        #expect(r.noise == 0)
        #expect(r.prefixMaxDelta == 0)
        #expect(r.flips.allSatisfy { $0.maxDelta == 0 && $0.distDelta == 0 && $0.from != $0.to })
        #expect(r.distributions.count == 48) // 8 positions × 6 runs (control-b is only compared)
        for d in r.distributions {
            #expect(abs(d.sum - 1) < 1e-9)
            #expect(abs(d.nll - d.negLogP) < 1e-9)
        }
    }

    @Test func futureReadingMovesThePrefix() throws {
        let r = try probe("future")
        #expect(r.entryPoint)
        #expect(try #require(r.prefixMaxDelta) > 1e-3)
        #expect(r.prefixWorstPosition == r.cut.map { $0 - 1 })
        #expect(r.flips.contains { ($0.maxDelta ?? 0) > 1e-3 })
    }

    @Test func peekingAtTheTargetMovesItsDistribution() throws {
        let r = try probe("peek")
        #expect(r.prefixMaxDelta == 0)
        #expect(r.flips.allSatisfy { $0.maxDelta == 0 })
        #expect(r.flips.allSatisfy { ($0.distDelta ?? 0) > 1e-3 })
        #expect(r.distributions.allSatisfy { abs($0.sum - 1) < 1e-9 })
    }

    @Test func unnormalisedDistributionsAreMeasured() throws {
        let r = try probe("unnormalised")
        #expect(r.distributions.allSatisfy { abs($0.sum - 1) > 1e-4 })
    }

    @Test func missingEntryPointIsReportedNotThrown() throws {
        let r = try probe("no-entry")
        #expect(!r.entryPoint)
        #expect(r.runs.count == 1)
        #expect(r.runs.first?.exitStatus == 0)
        #expect(r.problems.contains { $0.contains("without writing nll.f64") })
    }

    @Test func hangingEntryPointIsKilledOnTimeout() throws {
        let root = try ProbeSubmissions.make("sleep")
        defer { try? FileManager.default.removeItem(at: root) }
        let started = Date()
        let r = try Prober.probe(ProbeOptions(record: root, dataPath: root.appendingPathComponent("data"), seed: 1, timeout: 1))
        #expect(Date().timeIntervalSince(started) < 20)
        #expect(!r.entryPoint)
        #expect(r.runs.count == 1)
        #expect(r.runs.first?.timedOut == true)
        #expect(r.runs.first?.exitStatus == nil)
        #expect(r.problems.contains { $0.contains("killed on timeout") })
    }

    @Test func missingScriptOrDataAreReported() throws {
        let root = try ProbeSubmissions.make("honest")
        defer { try? FileManager.default.removeItem(at: root) }
        let noScript = try Prober.probe(ProbeOptions(record: root, dataPath: root.appendingPathComponent("data"), script: "eval.py"))
        #expect(!noScript.entryPoint)
        #expect(noScript.problems.first?.contains("eval.py: no eval entry point script") == true)
        #expect(throws: ProbeError.self) {
            try Prober.probe(ProbeOptions(record: root, dataPath: root.appendingPathComponent("nowhere")))
        }
    }

    @Test func reportIsWrittenCanonically() throws {
        let dir = try TestPaths.tempDir("probe-write")
        defer { try? FileManager.default.removeItem(at: dir) }
        var report = ProbeReport(directory: "r")
        report.seed = 5
        report.positions = [3, 9]
        let url = dir.appendingPathComponent("probes.json")
        try Prober.write(report, to: url)
        let first = try Data(contentsOf: url)
        try Prober.write(report, to: url)
        #expect(try Data(contentsOf: url) == first)
        let text = String(decoding: first, as: UTF8.self)
        #expect(text.range(of: "\"directory\"")!.lowerBound < text.range(of: "\"positions\"")!.lowerBound)
        #expect(TraceDiscovery.probes(in: dir) == report)
    }
}
