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
