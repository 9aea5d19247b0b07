import Testing
@testable import RefereeLogs

@Suite struct LineScannerTests {
    func s(_ t: String) -> LineScanner { LineScanner(t[...]) }

    @Test func numbersAfterKeys() {
        let line = s("step:7/9 val_loss: 2.5000 val_bpb=1.12345678 pre_val_bpb:9")
        #expect(line.number(after: "val_bpb")?.value == 1.12345678)
        #expect(line.number(after: "val_bpb")?.decimals == 8)
        #expect(line.number(after: "val_loss")?.value == 2.5)
        #expect(line.number(after: "loss") == nil)
        #expect(s("adam_eps: 1e-08").number(after: "adam_eps")?.value == 1e-8)
    }

    @Test("durations in ms", arguments: [
        ("train_time:600038ms", 600038.0), ("train_time: 0.8m tok/s", 48000.0), ("total_eval_time:455.1s", nil),
        ("eval_time:1.5s", 1500.0), ("train_time:12", nil),
    ])
    func durations(_ line: String, _ ms: Double?) {
        #expect(s(line).milliseconds(after: "train_time") ?? s(line).milliseconds(after: "eval_time") == ms)
    }

    @Test func stepCounters() {
        #expect(s("13780/20000 x").stepCounter(at: 0)?.step == 13780)
        #expect(s("13780/20000 x").stepCounter(at: 0)?.total == 20000)
        #expect(s("13780 x").stepCounter(at: 0) == nil)
    }
}

/// The fast paths of the log reader (word-at-a-time numbers, step counters and step keys) against
/// the plain definitions they replace, on generated lines (fixed seed: reproducible).
@Suite struct LineScannerFastPathTests {
    /// A small deterministic generator (SplitMix64).
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
        mutating func digits(_ n: Int) -> String { String((0..<n).map { _ in Character(String(next() % 10)) }) }
    }

    static let numberTexts = ["0", "2.0375", "54173292", "123456789", "-3", "+4", ".5", "5.", "1e-3", "2E5", "1e", "-", ".", "00012.50",
                              "9999999.9999999", "12345678.1234567", "123456789012345678", "1.123456789012345", "43.52ms", "7/9"]

    func randomNumberText(_ r: inout Rng) -> String {
        switch r.next() % 4 {
        case 0: return r.pick(Self.numberTexts)
        case 1: return (r.next() % 2 == 0 ? "-" : "") + r.digits(Int(r.next() % 18) + 1)
        case 2: return r.digits(Int(r.next() % 10)) + "." + r.digits(Int(r.next() % 10))
        default: return r.digits(Int(r.next() % 9) + 1) + (r.next() % 2 == 0 ? "e" : ".") + r.digits(Int(r.next() % 4))
        }
    }

    @Test func numbersEqualTheGeneralParser() {
        var r = Rng(state: 1)
        let tails = ["", " ", "ms", "s step_avg:43.52ms train_time:1ms", "x", ".", "e5", "/100000000 train_loss:2.0375"]
        for _ in 0..<20_000 {
            let text = randomNumberText(&r) + r.pick(tails)
            let line = LineScanner(text[...])
            let fast = line.number(at: 0)
            let general = line.generalNumber(at: 0)
            #expect(fast?.value.bitPattern == general?.value.bitPattern, "\(text)")
            #expect(fast?.end == general?.end, "\(text)")
            #expect(fast?.decimals == general?.decimals, "\(text)")
        }
    }

    /// The step counter as first written (byte by byte): the definition the fast path keeps.
    func referenceCounter(_ b: [UInt8], at start: Int) -> (step: Int, total: Int, end: Int)? {
        func isDigit(_ x: UInt8) -> Bool { x >= 0x30 && x <= 0x39 }
        var i = start
        let n = b.count
        var step = 0
        while i < n, isDigit(b[i]), i - start < 12 { step = step &* 10 &+ Int(b[i] &- 0x30); i += 1 }
        guard i > start, i - start < 12, i < n, b[i] == 0x2F else { return nil }
        i += 1
        let t0 = i
        var total = 0
        while i < n, isDigit(b[i]), i - t0 < 12 { total = total &* 10 &+ Int(b[i] &- 0x30); i += 1 }
        guard i > t0, i - t0 < 12, !(i < n && isDigit(b[i])) else { return nil }
        return (step, total, i)
    }

    @Test func stepCountersEqualTheByteDefinition() {
        var r = Rng(state: 2)
        for _ in 0..<20_000 {
            var text = "step:" + r.digits(Int(r.next() % 14)) + r.pick(["/", "/", "x", ""]) + r.digits(Int(r.next() % 16))
            text += r.pick(["", " ", " train_loss:2.0375 train_time:54173292ms step_avg:43.52ms", "7", "ms", "/3"])
            let line = LineScanner(text[...])
            let got = line.stepCounter(at: 5)
            let want = referenceCounter(Array(text.utf8), at: 5)
            #expect(got?.step == want?.step && got?.total == want?.total && got?.end == want?.end, "\(text)")
        }
    }

    @Test func stepKeysEqualOneSearchPerKey() {
        var r = Rng(state: 3)
        let keys = ["train_loss", "val_loss", "loss", "val_bpb", "train_time", "t", "step_avg", "xtrain_loss", "pre_val_bpb", "brain_loss",
                    "val_loss_ema", "my_t", "lr"]
        let seps = [":", "=", ": ", ":  ", " "]
        let before = [" ", " ", " ", "(", ",", "[", "\t", "_", ""]
        let values = ["2.0375", "54173292ms", "1.5s", "0.8m", "12min", "-3", "1e-3", ".5", "5.", "abc", "123456789012345678", "43.52ms", "7",
                      "7ms", "1234567ms", "12345678ms", "12345678901234ms", "123456789012345ms", "1234567890123456ms", "00042ms", "42msx",
                      "-42ms", "42m", "42mS", "42 ms", "42e3ms"]
        for _ in 0..<20_000 {
            var text = r.pick(["step:12/100", "step:1259844/100000000", "13780/20000", "step:3/9"])
            for _ in 0..<Int(r.next() % 7) {
                text += r.pick(before) + r.pick(keys) + r.pick(seps) + r.pick(values)
            }
            let line = LineScanner(text[...])
            let keysFound = line.stepKeys()
            #expect(keysFound.trainLoss?.bitPattern == line.number(after: "train_loss")?.value.bitPattern, "\(text)")
            #expect(keysFound.loss?.bitPattern == line.number(after: "loss")?.value.bitPattern, "\(text)")
            #expect(keysFound.valLoss?.bitPattern == line.number(after: "val_loss")?.value.bitPattern, "\(text)")
            #expect(keysFound.valBPB?.bitPattern == line.number(after: "val_bpb")?.value.bitPattern, "\(text)")
            if keysFound.valBPB != nil { #expect(keysFound.valBPBDecimals == line.number(after: "val_bpb")?.decimals, "\(text)") }
            #expect(keysFound.trainTimeMs?.bitPattern == line.milliseconds(after: "train_time")?.bitPattern, "\(text)")
            #expect(keysFound.tMs?.bitPattern == line.milliseconds(after: "t")?.bitPattern, "\(text)")
            // The scan that leaves the losses unread reads every other key the same way.
            let butLosses = line.stepKeys(from: 0, LineScanner.KeysButLosses.self)
            #expect(butLosses.trainLoss == nil && butLosses.loss == nil, "\(text)")
            #expect(butLosses.trainTimeMs?.bitPattern == keysFound.trainTimeMs?.bitPattern && butLosses.tMs?.bitPattern == keysFound.tMs?.bitPattern
                    && butLosses.valLoss?.bitPattern == keysFound.valLoss?.bitPattern && butLosses.valBPB?.bitPattern == keysFound.valBPB?.bitPattern
                    && butLosses.valBPBDecimals == keysFound.valBPBDecimals, "\(text)")
            if let c = line.stepCounter(at: text.hasPrefix("step:") ? 5 : 0) {
                let fromCounter = line.stepKeys(from: c.end)
                #expect(fromCounter.trainLoss?.bitPattern == keysFound.trainLoss?.bitPattern && fromCounter.tMs?.bitPattern == keysFound.tMs?.bitPattern
                        && fromCounter.trainTimeMs?.bitPattern == keysFound.trainTimeMs?.bitPattern && fromCounter.valBPB?.bitPattern == keysFound.valBPB?.bitPattern,
                        "\(text)")
            }
        }
    }

    @Test func asciiAndNULInOnePass() {
        var r = Rng(state: 4)
        for _ in 0..<5_000 {
            var bytes = (0..<Int(r.next() % 70)).map { _ in UInt8(0x20 + r.next() % 0x5F) }
            if !bytes.isEmpty, r.next() % 3 == 0 { bytes[Int(r.next() % UInt64(bytes.count))] = 0 }
            if !bytes.isEmpty, r.next() % 3 == 0 { bytes[Int(r.next() % UInt64(bytes.count))] = 0xC3 }
            if !bytes.isEmpty, r.next() % 5 == 0 { bytes[Int(r.next() % UInt64(bytes.count))] = UInt8(0x80 + r.next() % 0x80) }
            if !bytes.isEmpty, r.next() % 4 == 0 { bytes[Int(r.next() % UInt64(bytes.count))] = UInt8(r.next() % 2) }
            let got = bytes.withUnsafeBufferPointer { LogParser.asciiAndNUL($0) }
            #expect(got.ascii == bytes.allSatisfy { $0 < 0x80 })
            #expect(got.nul == bytes.contains(0))
        }
    }
}
