import Foundation
import RefereeCore
import RefereeTestSupport
import Testing
@testable import RefereeLogs

/// The losses of a training step line are read only when the thinned step curve keeps the point
/// or the point ends the run (`RunBuilder.stepDeferringLosses`): every point of the result must
/// still carry exactly the losses its lines print, through thinning, merges with validation lines
/// of the same step, unreadable and repeated keys, and the run's last point.
@Suite struct DeferredLossTests {
    /// The losses each step's lines print, computed here from the step alone (not by the reader).
    static func expectedLoss(_ step: Int) -> Double? {
        switch step % 7 {
        case 3: return nil                      // `train_loss:nan`: unreadable, no `loss` key
        case 5: return Double(Self.fallbackText(step))!  // `train_loss:x loss:…`: the `loss` fallback
        default: return Double(step % 997) / 997 + 2   // the first of two `train_loss` keys
        }
    }

    static func fallbackText(_ step: Int) -> String { "1.\(String(format: "%03d", step % 1000))" }

    static func line(_ step: Int, total: Int) -> String {
        let time = "train_time:\(step * 3)ms step_avg:3.00ms"
        switch step % 7 {
        case 3: return "step:\(step)/\(total) train_loss:nan \(time)"
        case 5: return "step:\(step)/\(total) train_loss:x loss:\(Self.fallbackText(step)) \(time)"
        default:
            let v = Double(step % 997) / 997 + 2
            return "step:\(step)/\(total) train_loss:\(v) \(time) train_loss:9.5"
        }
    }

    @Test("each kept point has its printed losses", arguments: [3, 41_999, 42_001, 42_002, 50_003, 50_005, 50_006, 50_007])
    func keptPointsCarryTheirLosses(steps: Int) throws {
        var lines = ["seed:1"]
        for step in 1...steps {
            lines.append(Self.line(step, total: steps))
            // A validation line of the same step every 1,000 steps, before or after the train line.
            if step % 1000 == 0 { lines.append("step:\(step)/\(steps) val_loss:2.5 val_bpb:1.5 train_time:\(step * 3)ms") }
            if step % 1000 == 1 { lines.insert("step:\(step)/\(steps) val_loss:2.25 val_bpb:1.25", at: lines.count - 1) }
        }
        let url = try TestPaths.tempDir("deferred").appendingPathComponent("d.log")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url)
        let file = try LogReader().read(url, displayPath: "d.log")
        let run = try #require(file.runs.first)
        #expect(run.steps.count <= RunBuilder.maxSteps + 1)
        #expect(run.steps.last?.step == steps)
        #expect(run.trainTimeMs == Double(steps * 3))
        for point in run.steps {
            #expect(point.trainLoss == Self.expectedLoss(point.step), "step \(point.step)")
            #expect(point.trainTimeMs == Double(point.step * 3), "step \(point.step)")
            if point.step % 1000 == 0 || point.step % 1000 == 1 {
                #expect(point.valBPB == (point.step % 1000 == 0 ? 1.5 : 1.25), "step \(point.step)")
            } else {
                #expect(point.valBPB == nil, "step \(point.step)")
            }
        }
    }
}
