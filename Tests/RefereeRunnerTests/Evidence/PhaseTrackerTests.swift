import Foundation
import Testing
import RefereeCore
import RefereeTestSupport
@testable import RefereeRunner

@Suite struct PhaseTrackerTests {
    func feed(_ lines: [String]) -> PhaseTracker {
        var tracker = PhaseTracker()
        for (i, text) in lines.enumerated() { tracker.observe(StampedLine(time: Double(i), text: text, truncated: false)) }
        return tracker
    }

    @Test func sourceEchoDoesNotMoveThePhase() {
        let tracker = feed([
            "    log0(f\"stopping_early: wallclock_cap train_time:{training_time_ms:.0f}ms step:{step}/{args.iterations}\")",
            "stopping_early: wallclock_cap train_time:{t}ms",
            "Serialized model: {model_bytes} bytes",
            "final_int8_zlib_roundtrip_exact val_loss:{q_val_loss:.8f} val_bpb:{q_val_bpb:.8f}",
            "step:{step}/{args.iterations} train_loss:{x}",
        ])
        #expect(tracker.phase == .training)
        #expect(tracker.trainingStoppedAt == nil)
        #expect(tracker.step == nil)
    }

    @Test func phasesOfABaselineShapedLog() {
        let tracker = feed([
            "step:13750/20000 train_loss:1.9910 train_time:598726ms step_avg:43.54ms",
            "step:13780/20000 val_loss:2.0606 val_bpb:1.2172 train_time:600038ms step_avg:43.54ms",
            "stopping_early: wallclock_cap train_time:600038ms step:13780/20000",
            "peak memory allocated: 10184 MiB",
            "Serialized model: 67224983 bytes",
            "Total submission size int8+zlib: 15863489 bytes",
            "final_int8_zlib_roundtrip val_loss:2.0727 val_bpb:1.2244 eval_time:1393ms",
            "final_int8_zlib_roundtrip_exact val_loss:2.07269931 val_bpb:1.22436570",
        ])
        #expect(tracker.phase == .finished)
        #expect(tracker.trainingStoppedAt == 2)
        #expect(tracker.artifactWrittenAt == 5)
        #expect(tracker.finalScoreAt == 7)
        #expect(tracker.step == 13780 && tracker.iterations == 20000)
        #expect(tracker.trainTimeMs == 600038)
        #expect(tracker.lastValBPB == 1.2243657)
    }

    @Test func lastStepEqualToIterationsEndsTraining() {
        let tracker = feed(["step:9/10 train_loss:1", "step:10/10 val_loss:2 val_bpb:1.5 train_time:100ms"])
        #expect(tracker.phase == .artifact)
        #expect(tracker.trainingStoppedAt == 1)
    }

    /// Every real record log in the shared samples: when a log has a final `_exact` line after a
    /// size line, the tracker must finish, with its boundaries in order.
    @Test func realRecordLogsReachTheirFinalScore() throws {
        guard let samples = TestPaths.samples else {
            print("SKIP realRecordLogsReachTheirFinalScore: shared samples not found beside the clone")
            return
        }
        let walker = FileManager.default.enumerator(at: samples, includingPropertiesForKeys: nil)
        var checked = 0
        while let url = walker?.nextObject() as? URL {
            guard url.pathExtension == "log" || url.lastPathComponent.hasPrefix("train") && url.pathExtension == "txt" else { continue }
            var tracker = PhaseTracker()
            var sawSize = false, sawFinalAfterSize = false
            for line in try LineReader(url: url) {
                // Strip a unix-timestamp prefix that some real logs carry.
                var text = line.text
                if let space = text.firstIndex(of: " "), Double(text[..<space]) != nil { text = String(text[text.index(after: space)...]) }
                if PhaseTracker.isArtifactLine(text) { sawSize = true }
                if sawSize && PhaseTracker.isFinalScoreLine(text) { sawFinalAfterSize = true }
                tracker.observe(StampedLine(time: Double(line.number), text: text, truncated: line.truncated))
            }
            guard sawFinalAfterSize else { continue }
            checked += 1
            #expect(tracker.phase == .finished, "\(url.path)")
            if let stop = tracker.trainingStoppedAt, let art = tracker.artifactWrittenAt, let fin = tracker.finalScoreAt {
                #expect(stop <= art && art <= fin, "\(url.path)")
            } else {
                Issue.record("missing boundary in \(url.path)")
            }
        }
        #expect(checked > 0, "no real log with a final score was found under \(samples.path)")
    }
}
