import Testing
@testable import RefereeLogs

@Suite struct LineClassifierTests {
    func s(_ t: String) -> LineScanner { LineScanner(t[...]) }

    @Test("eval labels and kinds", arguments: [
        ("final_int8_zlib_roundtrip_exact val_loss:2.07 val_bpb:1.22", "final_int8_zlib_roundtrip_exact", EvalKind.final),
        ("DIAGNOSTIC post_ema val_loss:1.9208 val_bpb:1.1376 eval_time:1977ms", "DIAGNOSTIC post_ema", .diagnostic),
        ("pre-quantization post-ema val_loss:2.8 val_bpb:1.08", "pre-quantization post-ema", .preQuantization),
        ("4000/20000 val_loss: 2.9 val_bpb: 1.13", "4000/20000", .inTraining),
        ("step:100/200 val_loss:2.0 val_bpb:1.2", "step:100/200", .inTraining),
        ("ttt_progress chunk:3 val_bpb:1.1", "ttt_progress chunk:3", .progress),
        ("final_sliding_window_eval stride:64 val_loss:2.0 val_bpb:1.19", "final_sliding_window_eval stride:64", .final),
    ])
    func label(_ line: String, _ label: String, _ kind: EvalKind) {
        #expect(LineClassifier.evalLabel(s(line)) == label)
        #expect(LineClassifier.kind(ofLabel: label) == kind)
    }

    @Test("code is not an eval line", arguments: [
        "    log0(f\"final_int8_zlib_roundtrip_exact val_loss:{q:.8f} val_bpb:{b:.8f}\")",
        "print(\"final val_loss:1.0 val_bpb:0.5\")",
        "f\"final val_bpb:{x}\"",
    ])
    func codeIsNotEval(_ line: String) {
        #expect(LineClassifier.evalLabel(s(line)) == nil)
        #expect(!LineClassifier.isRunOutput(s(line)))
    }

    @Test func timestamps() {
        let (t, m) = LineClassifier.splitTimestamp("1776142360.538   seed: 0")
        #expect(t == 1776142360.538)
        #expect(m == "  seed: 0")
        #expect(LineClassifier.splitTimestamp("step:1/2 x").timestamp == nil)
        #expect(LineClassifier.splitTimestamp("12345.6 short").timestamp == nil)
    }

    @Test func seedsAndWorldSizes() {
        #expect(LineClassifier.seed(s("seed:1337")) == 1337)
        #expect(LineClassifier.seed(s("  seed: 42")) == 42)
        #expect(LineClassifier.seed(s("Hyperparameters(lr=0.1, seed=7, x=1)")) == 7)
        #expect(LineClassifier.seed(s("train_seed:5")) == nil)
        #expect(LineClassifier.seed(s("params:1 L:10 ws:8 s:11")) == 11)
        #expect(LineClassifier.worldSize(s("world_size:8 grad_accum_steps:1")) == 8)
        #expect(LineClassifier.worldSize(s("params:1 ws:4 s:1")) == 4)
    }

    @Test func headerSeedLines() {
        #expect(LineClassifier.isHeaderSeedLine(s("seed:1337")))
        #expect(LineClassifier.isHeaderSeedLine(s("  seed: 42")))
        #expect(LineClassifier.isHeaderSeedLine(s("a=1 b=2 seed=3")))
        #expect(LineClassifier.isHeaderSeedLine(s("params:1 ws:8 s:11")))
        #expect(!LineClassifier.isHeaderSeedLine(s("gptq:calibration batches=4 seed:99")))
    }

    @Test func gpuRows() {
        let row = LineClassifier.gpuRow(s("|   3  NVIDIA H100 80GB HBM3          On  |   00000000:38:00.0 Off |                    0 |"))
        #expect(row?.index == 3)
        #expect(row?.model == "NVIDIA H100 80GB HBM3")
        #expect(LineClassifier.gpuRow(s("|    0   N/A  N/A            2072      C   /usr/local/bin/python                  1512MiB |")) == nil)
    }

    @Test func sourceStarts() {
        #expect(LineClassifier.looksLikeSourceStart(s("\"\"\"")))
        #expect(LineClassifier.looksLikeSourceStart(s("import os")))
        #expect(LineClassifier.looksLikeSourceStart(s("    x = 1")))
        #expect(!LineClassifier.looksLikeSourceStart(s("  seed: 42")))
        #expect(!LineClassifier.looksLikeSourceStart(s("step:1/2 train_loss:1.0")))
    }

    /// The byte-level pre-checks (first cell ends with On/Off; ASCII labels) decide as the
    /// String versions did.
    @Test("gpu rows through the byte pre-check", arguments: [
        ("||  1 Tesla V100 On|", 1, "Tesla V100"),
        ("|  2  NVIDIA A100-SXM4-80GB   Off  |", 2, "NVIDIA A100-SXM4-80GB"),
        ("|   |  0 NVIDIA H100 On |", nil, nil),
        ("|  0  NVIDIA H100 Onx |", nil, nil),
        ("|  0  NVIDIA H100\tOn |", nil, nil),
        ("|", nil, nil),
    ] as [(String, Int?, String?)])
    func gpuRowPrecheck(_ line: String, _ index: Int?, _ model: String?) {
        let row = LineClassifier.gpuRow(s(line))
        #expect(row?.index == index)
        #expect(row?.model == model)
    }

    @Test("labels in any case", arguments: [
        ("Final_INT8_ZLIB_Roundtrip_Exact", EvalKind.final), ("PRE-QUANT eval", .preQuantization), ("Diagnostic X", .diagnostic),
        ("TTT Chunk 3", .progress), ("Step 5", .inTraining), ("12/100", .inTraining), ("eval:START", .progress), ("", .progress),
        ("fïnal pre_ttt", .preQuantization), ("ÉVAL", .final),
    ])
    func labelKinds(_ label: String, _ kind: EvalKind) {
        #expect(LineClassifier.kind(ofLabel: label) == kind)
    }
}
