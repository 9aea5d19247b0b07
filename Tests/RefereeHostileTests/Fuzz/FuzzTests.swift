import Foundation
import Testing

/// Short seeded fuzz runs of every parser (the long runs are `scripts/fuzz.sh`, libFuzzer).
/// Each starts from the committed corpus `Fuzz/corpus/<target>/` and the seeds below, then
/// mutates with a fixed seed, so a failure replays exactly. A crash fails the whole test run.
@Suite struct FuzzTests {
    /// Mutated inputs per target; the whole suite stays within a few seconds in a debug build.
    static let iterations = 300

    static let dictionaries: [String: [String]] = [
        "log_line": ["step:", "/20000 ", "val_loss:", "val_bpb:", "train_time:", "ms", "budget:", "/16000000 FITS",
                     "Total submission size int8+zlib: ", " bytes", "Code size: ", "Serialized model int8+zlib: ",
                     "artifact:", "MB", "code:", "seed:", "world_size:", "stopping_early: wallclock_cap",
                     "final_int8_zlib_roundtrip_exact ", "total_eval_time:", "s", "m", "2026-03-18 10:00:00 "],
        "submission_json": ["\"val_bpb\"", "\"val_loss\"", "\"bytes_total\"", "\"seeds\"", "\"seed_results\"", ":", ",", "{", "}", "[", "]", "\"track\"", "\\u00e9", "e\\u0301"],
        "toml_rules": ["[[rule]]\n", "id = ", "\"size.artifact-cap\"", "max_bytes = ", "severity = \"error\"\n", "track = ", "version = ", "=", "\n", "[", "]", "{", "}", "'", "\\u"],
        "trace_line": ["\"v\":1", "\"seq\":", "\"rank\":", "\"t\":", "\"prev\":", "\"ev\":\"score\"", "\"ev\":\"phase\"", "\"ev\":\"update\"",
                       "\"start\":", "\"end\":", "\"nll\":", "\"bytes\":", "\"psum_min\":", "\"psum_max\":", "\"val_tokens\":", ",", "\\u0041"],
        "probes_json": ["\"version\"", "\"prefix\"", "\"flips\"", "\"problems\"", "\"dists\"", "null", "[]", "{}", ","],
        "dsse_envelope": ["\"payload\"", "\"payloadType\"", "\"signatures\"", "\"keyid\"", "\"sig\"", "\"e30=\"", ","],
        "intoto_statement": ["\"_type\"", "\"subject\"", "\"name\"", "\"digest\"", "\"sha256\"", "\"predicateType\"", "\"predicate\"", "../", "caf\\u00e9", "cafe\\u0301", ","],
        "strict_json": ["{", "}", "[", "]", "\"a\"", ":", ",", "\\u00e9", "e\\u0301", "\\ud800", "1e400", "-0", "true", "null"],
    ]

    static let seeds: [String: [[UInt8]]] = [
        "tokenizer_proto": [TinyModel.bytes],
        "shard_header": [{
            var header = [UInt8](repeating: 0, count: 1024 + 8)
            for (slot, value) in [UInt32(20240520), 1, 4].enumerated() {
                for k in 0..<4 { header[slot * 4 + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(k))) }
            }
            return header
        }()],
        "interval_set": [[5, 3, 1, 2, 60, 8, 4, 4, 0, 8, 7, 1], Array(0..<64).reversed().map { UInt8($0) }],
    ]

    @Test(arguments: FuzzTargets.all.map(\.name))
    func seededRun(target: String) throws {
        let body = try #require(FuzzTargets.all.first { $0.name == target }?.run)
        let run = FuzzRun(name: target, seeds: Self.seeds[target] ?? [], dictionary: Self.dictionaries[target] ?? [],
                          iterations: Self.iterations)
        var broken: [String] = []
        let tried = run.run { input in
            if let why = body(input), broken.count < 3 {
                broken.append("\(why) — input (base64) \(Data(input).base64EncodedString())")
            }
        }
        #expect(tried > Self.iterations, "\(target): the corpus Fuzz/corpus/\(target)/ is empty and no seed was given")
        #expect(broken.isEmpty, "\(target): \(broken.joined(separator: "\n"))")
    }
}
