import Foundation
import RefereeCore
import Testing
@testable import RefereeAudit

/// The byte path of ``LogScan/Builder`` against its text path (the definition), line by line.
@Suite struct LogScanTests {
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func pick<T>(_ xs: [T]) -> T { xs[Int(next() % UInt64(xs.count))] }
    }

    func viaBytes(_ lines: [String]) -> LogScan {
        var b = LogScan.Builder()
        for (i, line) in lines.enumerated() {
            var bytes = Array(line.utf8)
            bytes.withUnsafeMutableBufferPointer { p in
                b.feed(RawLine(number: i + 1, bytes: UnsafeBufferPointer(p), truncated: false, offset: 0))
            }
        }
        return b.result
    }

    func viaText(_ lines: [String]) -> LogScan {
        var b = LogScan.Builder()
        for (i, line) in lines.enumerated() { b.feed(number: i + 1, text: line) }
        return b.result
    }

    @Test func bytePathEqualsTextPath() {
        var r = Rng(state: 7)
        let heads = ["step:5/100", "step:1259844/100000000", "stopping_early: wallclock_cap", "1795564352.930584 step:7/9", "Step:1/2",
                     "seed:3", "", "steps:4", "step:", ".5 step:1/2", "é step:1/2"]
        let keys = ["train_time", "val_bpb", "val_loss", "train_loss", "xtrain_time", "val_b", "val_lossy"]
        let seps = [":", "=", ": ", " "]
        let values = ["600038ms", "12.5ms", "1e3ms", "nan", "-inf", "ms", "12", "007ms", "1.ms", "0.25ms", "12345678901234567ms",
                      "43.52ms)", "5ms,", "NaN", "inf"]
        let befores = [" ", " ", "(", ",", "\t", "_", "["]
        var lines: [String] = []
        for _ in 0..<20_000 {
            var line = r.pick(heads)
            for _ in 0..<Int(r.next() % 5) { line += r.pick(befores) + r.pick(keys) + r.pick(seps) + r.pick(values) }
            lines.append(line)
        }
        #expect(viaBytes(lines) == viaText(lines))
        #expect(!viaText(lines).steps.isEmpty)
        #expect(!viaText(lines).badNumbers.isEmpty)
    }

    @Test func keyFlagsEqualSubstringSearches() {
        var r = Rng(state: 8)
        let parts = ["val_bpb", "val_loss", "train_time", "val_", "_", "train_tim", "xval_bpbx", "a", "__", "step:1/2 ", "rain_time"]
        for _ in 0..<10_000 {
            var line = ""
            for _ in 0..<Int(r.next() % 8) { line += r.pick(parts) }
            var bytes = Array(line.utf8)
            let got = bytes.withUnsafeMutableBufferPointer { p in LogScan.Builder.keys(UnsafeBufferPointer(p)) }
            #expect(got.val == (line.contains("val_bpb") || line.contains("val_loss")), "\(line)")
            #expect(got.trainTime == line.contains("train_time"), "\(line)")
        }
    }

    @Test func stepsStopAtTheCap() {
        let lines = (0..<(LogScan.maxSteps + 5)).map { "step:\($0)/9 train_time:\($0)ms" }
        let scan = viaBytes(lines)
        #expect(scan.steps.count == LogScan.maxSteps)
        #expect(scan.steps.last?.trainTimeMs == Double(LogScan.maxSteps - 1))
    }
}
