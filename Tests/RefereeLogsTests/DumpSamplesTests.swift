import Foundation
import Testing
import RefereeLogs
import RefereeTestSupport

@Suite struct DumpSamplesTests {
    @Test func dump() throws {
        guard let root = TestPaths.samples else { return }
        let fm = FileManager.default
        let all = fm.enumerator(atPath: root.path)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".log") || $0.hasSuffix(".txt") }.sorted()
        var out = ""
        for rel in all {
            let f = try LogReader().read(root.appendingPathComponent(rel), displayPath: rel)
            out += "== \(rel) lines:\(f.lineCount) runs:\(f.runs.count) notes:\(f.notes)\n"
            for r in f.runs {
                out += "  run\(r.runIndex) [\(r.firstLine)-\(r.lastLine)] seed:\(r.seed.map(String.init) ?? "nil")@\(r.seedLocation?.line ?? 0) ws:\(r.worldSize.map(String.init) ?? "nil") gpu:\(r.gpu.map { "\($0.count)x\($0.model)@\($0.location.line)" } ?? "nil") steps:\(r.steps.count) train:\(r.trainTimeMs.map { "\($0)" } ?? "nil")@\(r.trainTimeLocation?.line ?? 0) cap:\(r.stoppedAtWallclockCap) src:\(r.embeddedSourceLines.map { "\($0)" } ?? "nil") ts:\(r.firstTimestamp.map { "\($0)" } ?? "-")..\(r.lastTimestamp.map { "\($0)" } ?? "-") tet:\(r.totalEvalTimeMs.map { "\($0)" } ?? "nil")\n"
                out += "    sizes code:\(r.sizes.codeBytes?.bytes ?? -1) codeC:\(r.sizes.codeBytesCompressed?.bytes ?? -1) model:\(r.sizes.modelBytes?.bytes ?? -1) artifact:\(r.sizes.artifactBytes.map { "\($0.bytes)@\($0.location.line)" } ?? "nil") MB:\(r.sizes.artifactMB ?? -1)\n"
                for e in r.evals where e.kind != .inTraining {
                    out += "    eval \(e.kind) [\(e.label)] loss:\(e.valLoss ?? -1) bpb:\(e.valBPB) dec:\(e.decimals) et:\(e.evalTimeMs ?? -1) @\(e.location.line)\n"
                }
                out += "    inTraining evals: \(r.evals.filter { $0.kind == .inTraining }.count)\n"
                out += "    SCORE: \(r.score.map { "\($0.eval.valBPB) @\($0.eval.location.line) — \($0.reason)" } ?? "nil")\n"
                for n in r.notes { out += "    note: \(n)\n" }
            }
        }
        try out.write(toFile: "/tmp/logs-dump.txt", atomically: true, encoding: .utf8)
    }
}
