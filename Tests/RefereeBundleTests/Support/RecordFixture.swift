import Foundation
import RefereeAudit
import RefereeBundle
import RefereeCrypto
import RefereeTestSupport

/// A record folder written into a fresh temporary directory, with a folder beside it
/// ("outside") for symlink escapes, and a signing key.
struct RecordFixture {
    let root: URL
    let record: URL
    let outside: URL
    let key: Ed25519PrivateKey

    /// The record's files and contents: every kind a record holds.
    static let files: [(String, Data)] = [
        ("README.md", Data("# Test record\n".utf8)),
        ("submission.json", Data(#"{"val_bpb": 1.2244, "bytes_total": 15863489}"#.utf8)),
        ("train_gpt.py", Data("print('train')\n".utf8)),
        ("train_seed42.log", Data("step:20000/20000 val_loss:2.0727 val_bpb:1.2244\nfinal_int8_zlib_roundtrip_exact val_loss:2.07 val_bpb:1.22436570\n".utf8)),
        ("final_model.int8.ptz", Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 97) })),
        ("traces/seed42/rank0.jsonl", Data(#"{"v":1,"seq":0,"ev":"phase","name":"train_start"}"#.utf8 + [0x0A])),
        ("run.json", Data(#"{"command": ["torchrun", "--nproc_per_node=8", "train_gpt.py"], "seeds": [42]}"#.utf8)),
        ("environment.json", Data(#"{"gpu": "NVIDIA H100 80GB HBM3", "gpu_count": 8, "torch": "2.8.0"}"#.utf8)),
    ]

    static func make() throws -> RecordFixture {
        let root = try TestPaths.tempDir("bundle")
        let record = root.appendingPathComponent("track_10min_16mb/2026-03-17_Test")
        let outside = root.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        for (path, data) in files {
            let url = record.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
        return RecordFixture(root: root, record: record, outside: outside, key: try Ed25519PrivateKey.generate())
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    func url(_ path: String) -> URL { record.appendingPathComponent(path) }

    var bundleURL: URL { url(BundleLayout.bundleFileName) }
    var publicKeyURL: URL { url(BundleLayout.publicKeyFileName) }

    func signer(key: Ed25519PrivateKey? = nil, audit: RecordAudit = .handMade()) -> BundleSigner {
        BundleSigner(key: key ?? self.key, toolVersion: "0.1.0-test", audit: { _ in audit })
    }

    func verifier(trusted: Ed25519PublicKey? = nil, audit: RecordAudit = .handMade()) -> BundleVerifier {
        BundleVerifier(trustedKey: trusted, audit: { _ in audit })
    }

    func readEnvelope() throws -> DSSEEnvelope {
        try JSONDecoder().decode(DSSEEnvelope.self, from: Data(contentsOf: bundleURL))
    }

    func writeEnvelope(_ envelope: DSSEEnvelope) throws {
        try JSONEncoder().encode(envelope).write(to: bundleURL)
    }
}

/// An audit failure for providers that cannot run.
struct FixtureAuditError: Error, CustomStringConvertible {
    var description: String { "rules file track_10min_16mb.toml: not found" }
}

extension RecordAudit {
    /// A record audit built by hand, as the real Auditor would report it.
    static func handMade(sizeStatus: RuleStatus = .pass, rulesDigest: String = String(repeating: "ab", count: 32), extraRule: Bool = false) -> RecordAudit {
        var run = RunSummary(file: "train_seed42.log", runIndex: 0)
        run.seed = 42
        run.score = 1.2243657
        run.gpu = "NVIDIA H100 80GB HBM3"
        run.gpuCount = 8
        var results = [
            RuleResult(id: "size.artifact-cap", status: sizeStatus, message: "15863489 bytes ≤ 16000000"),
            RuleResult(id: "time.train", status: .pass, message: "600038 ms"),
            RuleResult(id: "trace.coverage", status: .unverifiable, severity: .error, message: "no traces"),
        ]
        if extraRule { results.append(RuleResult(id: "stats.significance", status: .pass, message: "p < 0.01")) }
        return RecordAudit(path: "/somewhere/record", track: "track_10min_16mb", rulesVersion: "1", rulesDigest: rulesDigest,
                           score: 1.2243657, runs: [run], results: results)
    }
}
