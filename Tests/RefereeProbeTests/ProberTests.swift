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

    @Test func streamConcatenatesEveryValidationShardInNameOrder() throws {
        let dir = try TestPaths.tempDir("shard-stream")
        defer { try? FileManager.default.removeItem(at: dir) }
        try ProbeShard.write([7, 8], to: dir.appendingPathComponent("fineweb_val_000001.bin"))
        try ProbeShard.write([1, 5, 6], to: dir.appendingPathComponent("fineweb_val_000000.bin"))
        try ProbeShard.write([9, 9], to: dir.appendingPathComponent("fineweb_train_000000.bin"))
        #expect(try ProbeShard.readStream(in: dir) == [1, 5, 6, 7, 8])
        #expect(try ProbeShard.readStream(in: dir, prefix: nil) == [9, 9, 1, 5, 6, 7, 8]) // every *.bin, in name order
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

@Suite struct CampaignPlanTests {
    static let stream = ProbeSubmissions.tokens(count: 20000, document: 250)

    @Test(arguments: [UInt64(1), 2, 3, 12345, 99])
    func planKeepsItsPromises(seed: UInt64) {
        let n = Self.stream.count
        for budget in [2, 4, 8] {
            var rng = SplitMix64(seed: seed)
            let plan = CampaignPlan(tokens: Self.stream, budget: budget, extra: 8, heldout: false, rng: &rng)
            let m = budget - 1
            #expect(plan.cuts.count == m)
            // One cut per stratum of the targets [1, n).
            for (k, cut) in plan.cuts.enumerated() {
                #expect(cut.position >= 1 + (n - 1) * k / m && cut.position < 1 + (n - 1) * (k + 1) / m, "cut \(k) at \(cut.position)")
                let stream = CampaignPlan.cutStream(Self.stream, cut)
                #expect(stream.count == n)
                #expect(stream.prefix(cut.position) == Self.stream.prefix(cut.position))
                #expect(stream[cut.position] != Self.stream[cut.position])
                #expect(stream[cut.position + 1] == Self.stream[(cut.source + 1) % n])
                let distance = min(abs(cut.source - cut.position), n - abs(cut.source - cut.position))
                #expect(distance >= n / 4)
                switch cut.kind {
                case "doc-start": #expect(Self.stream[cut.position - 1] == 1 || Self.stream[cut.position - 2] == 1)
                case "doc-end": #expect(Self.stream[cut.position + 1] == 1)
                case "random": break
                default:
                    let size = Int(cut.kind.dropFirst("boundary-".count)) ?? 0
                    #expect(size > 0 && cut.position % size == 0)
                }
            }
            #expect(plan.cuts.filter { $0.kind != "random" }.count == (m + 2) / 3)
            if m >= 7 {
                let kinds = Set(plan.cuts.map { $0.kind.hasPrefix("boundary") ? "boundary" : $0.kind })
                #expect(kinds.isSuperset(of: ["doc-start", "doc-end", "boundary"]), "\(plan.cuts)")
                #expect(plan.structural["doc-start"] == 1)
            }
            #expect(plan.positions == plan.positions.sorted())
            #expect(Set(plan.positions).isSuperset(of: plan.cuts.map(\.position)))
            #expect(plan.positions.allSatisfy { $0 >= 1 && $0 < n })
            #expect(plan.positions.count >= m + 8)
            #expect(Set(plan.order) == Set(["official", "control"] + (1...m).map { "cut-\($0)" }))
            var again = SplitMix64(seed: seed)
            let replay = CampaignPlan(tokens: Self.stream, budget: budget, extra: 8, heldout: false, rng: &again)
            #expect(replay.cuts == plan.cuts && replay.positions == plan.positions && replay.order == plan.order)
        }
    }

    @Test func orderIsShuffled() {
        var firsts = Set<String>()
        for seed in UInt64(1)...40 {
            var rng = SplitMix64(seed: seed)
            firsts.insert(CampaignPlan(tokens: Self.stream, budget: 4, extra: 8, heldout: true, rng: &rng).order[0])
        }
        #expect(firsts == ["official", "control", "cut-1", "cut-2", "cut-3", "heldout"])
    }

    @Test func statedPower() {
        let p = ProbePower(cuts: 3)
        #expect(abs(p.f001 - (1 - pow(0.99, 3))) < 1e-12)
        #expect(abs(p.f025 - (1 - pow(0.75, 3))) < 1e-12)
        let data = try? CanonicalJSON.encode(p)
        #expect(data.map { String(decoding: $0, as: UTF8.self).contains("\"f_0.05\"") } == true)
    }
}

@Suite(.serialized) struct ProberTests {
    func probe(_ variant: String, budget: Int = 4, seed: UInt64 = 2024, heldout: URL? = nil) throws -> ProbeReport {
        let root = try ProbeSubmissions.make(variant)
        defer { try? FileManager.default.removeItem(at: root) }
        var options = ProbeOptions(record: root, dataPath: root.appendingPathComponent("data"), positions: 4, seed: seed, timeout: 60)
        options.budget = budget
        options.heldoutPath = heldout
        return try Prober.probe(options)
    }

    @Test func honestSubmissionMatchesTheOfficialEvaluationEverywhere() throws {
        let r = try probe("honest")
        #expect(r.version == 2)
        #expect(r.entryPoint, "\(r.problems) \(r.evaluations.map(\.stderrTail))")
        #expect(r.evaluations.map(\.name) == r.order)
        #expect(Set(r.order) == ["official", "control", "cut-1", "cut-2", "cut-3"])
        #expect(r.evaluations.allSatisfy { $0.nllSHA256?.count == 64 })
        #expect(r.artifact == "artifact.json")
        #expect(r.artifactSHA256?.count == 64)
        #expect(r.valTokens == 6000)
        #expect(r.noise == 0)
        #expect(r.cuts.count == 3)
        #expect(r.cuts.allSatisfy { $0.prefixMaxDelta == 0 && $0.distDelta == 0 && $0.distPositionsChecked.contains($0.position) })
        let official = try #require(r.official)
        #expect(official.targets == 5999)
        #expect(official.blocks.count == 3 && official.blocks.last?.end == 6000)
        #expect(official.valBPB == nil) // no tokenizer: no byte count
        #expect(r.distributions.count == 5 * r.positions.count)
        for d in r.distributions {
            #expect(abs(d.sum - 1) < 1e-9)
            #expect(abs(d.nll - d.negLogP) < 1e-9)
        }
        #expect(r.power?.cuts == 3)
    }

    /// Principle 4: nothing but the data's content tells the evaluations apart.
    @Test func evaluationsAreIndistinguishable() throws {
        let r = try probe("fingerprint", budget: 5)
        #expect(r.entryPoint, "\(r.problems)")
        let prints = r.evaluations.map { run in run.stderrTail.split(separator: "\n").filter { $0.hasPrefix("FINGERPRINT") } }
        #expect(prints.count == 6 && prints.allSatisfy { $0.count == 8 })
        #expect(Set(prints).count == 1, "\(r.evaluations.map(\.stderrTail))")
    }

    @Test func futureReadingMovesThePrefix() throws {
        let r = try probe("future")
        #expect(r.entryPoint)
        // It leaks x[i+1] mod 3: a cut moves position c − 1 unless the new token agrees mod 3.
        let moved = r.cuts.filter { ($0.prefixMaxDelta ?? 0) > 1e-3 }
        #expect(!moved.isEmpty && moved.allSatisfy { $0.prefixWorstPosition == $0.position - 1 }, "\(r.cuts)")
    }

    @Test func peekingAtTheTargetMovesItsDistribution() throws {
        let r = try probe("peek")
        #expect(r.cuts.allSatisfy { $0.prefixMaxDelta == 0 })
        #expect(r.cuts.allSatisfy { ($0.distDelta ?? 0) > 1e-3 })
        #expect(r.distributions.allSatisfy { abs($0.sum - 1) < 1e-9 })
    }

    @Test func unnormalisedDistributionsAreMeasured() throws {
        let r = try probe("unnormalised")
        #expect(!r.distributions.isEmpty && r.distributions.allSatisfy { abs($0.sum - 1) > 1e-4 })
    }

    @Test func heldoutShardsAreEvaluatedOnceMore() throws {
        let dir = try TestPaths.tempDir("probe-heldout")
        defer { try? FileManager.default.removeItem(at: dir) }
        let held = ProbeSubmissions.tokens(count: 3000, document: 200)
        try ProbeShard.write(Array(held.prefix(1000)), to: dir.appendingPathComponent("a.bin"))
        try ProbeShard.write(Array(held.suffix(2000)), to: dir.appendingPathComponent("b.bin"))
        let r = try probe("honest", heldout: dir)
        #expect(r.entryPoint, "\(r.problems)")
        #expect(r.order.contains("heldout") && r.evaluations.count == 6)
        let heldout = try #require(r.heldout)
        #expect(heldout.targets == 2999)
        #expect(heldout.source == dir.path)
        let without = try probe("honest")
        #expect(without.heldout == nil)
        #expect(String(decoding: try CanonicalJSON.encode(without), as: UTF8.self).contains("\"heldout\" : null"))
    }

    @Test func missingEntryPointIsReportedNotThrown() throws {
        let r = try probe("no-entry")
        #expect(!r.entryPoint)
        #expect(r.evaluations.count == 1)
        #expect(r.evaluations.first?.exitStatus == 0)
        #expect(r.official == nil)
        #expect(r.problems.contains { $0.contains("without writing nll.f64") })
    }

    @Test func hangingEntryPointIsKilledOnTimeout() throws {
        let root = try ProbeSubmissions.make("sleep")
        defer { try? FileManager.default.removeItem(at: root) }
        let started = Date()
        let r = try Prober.probe(ProbeOptions(record: root, dataPath: root.appendingPathComponent("data"), seed: 1, timeout: 1))
        #expect(Date().timeIntervalSince(started) < 20)
        #expect(!r.entryPoint)
        #expect(r.evaluations.count == 1)
        #expect(r.evaluations.first?.timedOut == true)
        #expect(r.evaluations.first?.exitStatus == nil)
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

    @Test func reportIsWrittenCanonicallyAndVersion1StillReads() throws {
        let dir = try TestPaths.tempDir("probe-write")
        defer { try? FileManager.default.removeItem(at: dir) }
        let report = try probe("honest", budget: 2)
        let url = dir.appendingPathComponent("probes.json")
        try Prober.write(report, to: url)
        let first = try Data(contentsOf: url)
        try Prober.write(report, to: url)
        #expect(try Data(contentsOf: url) == first)
        let text = String(decoding: first, as: UTF8.self)
        for key in ["\"version\" : 2", "\"val_tokens\"", "\"artifact_sha256\"", "\"entry_point\" : true", "\"nll_sum\"", "\"block_size\" : 2048",
                    "\"prefix_max_delta\"", "\"dist_positions_checked\"", "\"f_0.25\"", "\"exit_status\"", "\"nll_sha256\""] {
            #expect(text.contains(key), "\(key) missing")
        }
        #expect(!text.contains("\"flips\"") && !text.contains("\"runs\""))
        #expect(TraceDiscovery.probes(in: dir) == report)
        // A version-1 report (camelCase, no version) still decodes, as version 1.
        let v1 = #"{"directory": "r", "entryPoint": true, "artifactSHA256": "ab", "cut": 7, "noise": 0, "prefixMaxDelta": 0, "positions": [3], "runs": [], "flips": [], "distributions": [], "problems": []}"#
        let old = TraceDiscovery.probes(from: Data(v1.utf8), directory: "r")
        #expect(old.problems.isEmpty && !old.isV2 && old.cut == 7 && old.entryPoint && old.artifactSHA256 == "ab")
    }
}
