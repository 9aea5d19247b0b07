import Foundation
import Testing
import RefereeCrypto
import RefereeTestSupport
@testable import RefereeBundle

/// One regression per defect of issue 13, through the built binary: each hostile record must end
/// with exit 0, 1 or 2 (never a signal, never a hang) and a message naming the file.
@Suite(.enabled(if: HostileRun.available, "needs .build/debug/referee (run `swift build --build-tests` first)"))
struct HostileCLITests {
    /// Exit 0, 1 or 2 within the deadline, not killed by a signal.
    func expectClean(_ out: HostileRun.Outcome, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!out.timedOut, "\(what): hung (killed after the deadline)", sourceLocation: sourceLocation)
        #expect(!out.signalled, "\(what): killed by a signal (status \(out.status)): \(out.stderr.suffix(500))", sourceLocation: sourceLocation)
        #expect([0, 1, 2].contains(out.status), "\(what): exit \(out.status)", sourceLocation: sourceLocation)
    }

    // MARK: Crashes

    @Test(arguments: [["audit"], ["gate"], ["submission"]])
    func budgetLineOf1e30(command: [String]) throws {
        let rec = try HostileRecord.clean()
        defer { rec.remove() }
        let log = try rec.read("train_seed42.log")
        try rec.write("train_seed42.log", log.replacingOccurrences(of: "Total submission size int8+zlib: 15863489 bytes", with: "budget:1e30/16000000 FITS"))
        var args = command
        if command.first == "submission" {
            args = ["submission", rec.record.path, "--output", rec.root.appendingPathComponent("sub").path, "--date", "2026-03-18"]
        } else {
            args.append(rec.record.path)
        }
        let out = try HostileRun.referee(args, timeout: 60)
        expectClean(out, "\(command[0]) on budget:1e30")
        if command[0] != "submission" {
            #expect(out.status == 1)
            #expect(out.output.contains("train_seed42.log:27"), "no file:line for the bad size: \(out.output.prefix(2000))")
            #expect(out.output.contains("1e30 is not a byte count"))
        }
    }

    @Test func traceRangesSpanning9e15() throws {
        let rec = try HostileRecord.clean()
        defer { rec.remove() }
        var lines = [#"{"v":1,"seq":0,"rank":0,"t":1.0,"prev":"\#(String(repeating: "0", count: 64))","ev":"phase","name":"eval_start","val_tokens":8999999999999999,"world_size":1}"#]
        for k in 1...2000 {
            let (s, e) = k % 2 == 0 ? (-8_999_999_999_999_999, 8_999_999_999_999_999) : (1, 8_999_999_999_999_999)
            lines.append(#"{"v":1,"seq":\#(k),"rank":0,"t":\#(Double(k) + 1),"prev":"\#(String(repeating: "0", count: 64))","ev":"score","start":\#(s),"end":\#(e),"nll":1.0,"bytes":1.0,"psum_min":1.0,"psum_max":1.0}"#)
        }
        try rec.write("traces/seed42/rank0.jsonl", lines.joined(separator: "\n") + "\n")
        let out = try HostileRun.referee(["audit", rec.record.path], timeout: 60)
        expectClean(out, "audit of a trace spanning ±9e15")
        #expect(out.status == 1)
        #expect(out.output.contains("traces/seed42"))
    }

    @Test func againstRecordWithValLossOf1e308() throws {
        let rec = try HostileRecord.clean()
        let old = try HostileRecord.clean()
        defer { rec.remove(); old.remove() }
        for (name, value) in [("train_seed42.log", "1e308"), ("train_seed1337.log", "-1e308")] {
            let log = try old.read(name)
            try old.write(name, log.replacingOccurrences(of: "final_int8_zlib_roundtrip_exact val_loss:2.07", with: "final_int8_zlib_roundtrip_exact val_loss:\(value) x:2.07"))
        }
        let out = try HostileRun.referee(["audit", rec.record.path, "--against", old.record.path], timeout: 60)
        expectClean(out, "audit --against a record with ±1e308 val_loss")
        #expect(out.output.contains("stats.significance"))
        #expect(out.output.contains("out of range for a t-test") || out.output.contains("overflow"), "\(out.output.prefix(3000))")
    }

    // MARK: Hangs: special files

    @Test(arguments: ["/dev/zero", "/dev/urandom"])
    func traceSymlinkToADevice(target: String) throws {
        for command in ["audit", "gate"] {
            let rec = try HostileRecord.clean()
            defer { rec.remove() }
            try rec.symlink("traces/seed42/rank0.jsonl", to: target)
            let out = try HostileRun.referee([command, rec.record.path], timeout: 30)
            expectClean(out, "\(command) with rank0.jsonl -> \(target)")
            #expect(out.status != 0)
            #expect(out.output.contains("traces/seed42/rank0.jsonl"), "\(out.output.prefix(1000))")
        }
    }

    @Test func traceFIFOAndLogFIFOAreRefused() throws {
        for path in ["traces/seed42/rank0.jsonl", "extra.log", "submission.json"] {
            let rec = try HostileRecord.clean()
            defer { rec.remove() }
            if path == "submission.json" { try FileManager.default.removeItem(at: rec.url(path)) }
            try rec.fifo(path)
            let out = try HostileRun.referee(["audit", rec.record.path], timeout: 30)
            expectClean(out, "audit with a FIFO at \(path)")
            #expect(out.status == 2)
            #expect(out.output.contains(path) && out.output.contains("FIFO"), "\(out.output.prefix(1000))")
        }
    }

    @Test func symlinkLeavingTheRecordIsRefused() throws {
        let rec = try HostileRecord.clean()
        defer { rec.remove() }
        let outside = rec.root.appendingPathComponent("outside.log")
        try Data("step:1/2 train_loss:1.0\n".utf8).write(to: outside)
        try rec.symlink("notes.log", to: outside.path)
        let out = try HostileRun.referee(["audit", rec.record.path], timeout: 30)
        expectClean(out, "audit with a symlink out of the record")
        #expect(out.status == 2)
        #expect(out.output.contains("notes.log") && out.output.contains("outside the record"))
    }

    @Test func symlinkToARegularFileInsideIsRead() throws {
        let rec = try HostileRecord.clean()
        defer { rec.remove() }
        try rec.mkdirs("src")
        try FileManager.default.moveItem(at: rec.url("train_gpt.py"), to: rec.url("src/train_gpt.py"))
        try rec.symlink("train_gpt.py", to: "src/train_gpt.py")
        let out = try HostileRun.referee(["audit", rec.record.path], timeout: 30)
        expectClean(out, "audit with an inside symlink")
        #expect(out.status != 2, "\(out.output.prefix(1000))")
    }

    @Test func dataBytesWithFIFOShardOrTokenizer() throws {
        let rec = try HostileRecord.clean()
        defer { rec.remove() }
        try rec.fifo("shard.bin")
        try rec.fifo("tok.model")
        let tokenizer = rec.root.appendingPathComponent("tiny.model")
        try Data(TinyModel.bytes).write(to: tokenizer)
        let shardFifo = try HostileRun.referee(["data", "bytes", "--tokenizer", tokenizer.path, "--shards", rec.url("shard.bin").path], timeout: 30)
        expectClean(shardFifo, "data bytes on a FIFO shard")
        #expect(shardFifo.status == 2)
        #expect(shardFifo.output.contains("shard.bin"))
        let tokFifo = try HostileRun.referee(["data", "bytes", "--tokenizer", rec.url("tok.model").path, "--shards", rec.url("shard.bin").path], timeout: 30)
        expectClean(tokFifo, "data bytes on a FIFO tokenizer")
        #expect(tokFifo.status == 2)
        #expect(tokFifo.output.contains("tok.model") && tokFifo.output.contains("FIFO"))
    }

    /// A signed copy of the clean record and its key.
    func signed() throws -> (HostileRecord, URL) {
        let rec = try HostileRecord.clean()
        let key = rec.root.appendingPathComponent("signing.key")
        let keygen = try HostileRun.referee(["keygen", "--out", key.path])
        #expect(keygen.status == 0, "\(keygen.stderr)")
        let sign = try HostileRun.referee(["sign", rec.record.path, "--key", key.path])
        #expect(sign.status == 0, "\(sign.stderr)")
        return (rec, key)
    }

    @Test func verifyWithFIFOSubjectPublicKeyOrPinnedKey() throws {
        do {
            let (rec, _) = try signed()
            defer { rec.remove() }
            try FileManager.default.removeItem(at: rec.url("train_gpt.py"))
            try rec.fifo("train_gpt.py")
            let out = try HostileRun.referee(["verify", rec.record.path, "--trust-record-key"], timeout: 30)
            expectClean(out, "verify with a FIFO subject")
            #expect(out.status == 1)
            #expect(out.output.contains("train_gpt.py") && out.output.contains("FIFO"), "\(out.output)")
        }
        do {
            let (rec, _) = try signed()
            defer { rec.remove() }
            try FileManager.default.removeItem(at: rec.url("referee.pub.pem"))
            try rec.fifo("referee.pub.pem")
            let out = try HostileRun.referee(["verify", rec.record.path, "--trust-record-key"], timeout: 30)
            expectClean(out, "verify with a FIFO referee.pub.pem")
            #expect(out.status != 0)
            #expect(out.output.contains("referee.pub.pem") || out.output.contains("public key"), "\(out.output)")
        }
        do {
            let (rec, _) = try signed()
            defer { rec.remove() }
            let fifo = rec.root.appendingPathComponent("pinned.pem")
            #expect(mkfifo(fifo.path, 0o644) == 0)
            for command in ["verify", "gate"] {
                let out = try HostileRun.referee([command, rec.record.path, "--key", fifo.path], timeout: 30)
                expectClean(out, "\(command) --key FIFO")
                #expect(out.status == 2 || out.status == 1)
                #expect(out.output.contains("pinned.pem") && out.output.contains("FIFO"), "\(out.output)")
            }
        }
    }

    // MARK: Memory

    /// The stated ceiling (docs/fuzzing.md, "Resource limits"): audit of any record stays under
    /// 256 MiB. A 1 GiB (sparse) helper script is hashed as a stream, never held.
    @Test func gigabyteHelperScriptStaysUnderTheCeiling() throws {
        let rec = try HostileRecord.clean()
        defer { rec.remove() }
        let big = rec.url("helper.py")
        _ = FileManager.default.createFile(atPath: big.path, contents: Data("# helper\n".utf8))
        let handle = try FileHandle(forWritingTo: big)
        try handle.truncate(atOffset: 1 << 30)
        try handle.close()
        guard let out = try HostileRun.measured(["audit", rec.record.path], timeout: 120) else { return }
        #expect(!out.timedOut && !out.signalled, "\(out.stdout.suffix(500))")
        #expect([0, 1].contains(out.status), "\(out.stdout.suffix(800))")
        #expect(out.maxRSSKiB > 0 && out.maxRSSKiB < 256 * 1024, "peak RSS \(out.maxRSSKiB) KiB ≥ 256 MiB")
    }

    /// A log of appended runs: the audit keeps every run of a log until its report is written,
    /// so the number of runs one log may hold is capped (`LogReader.maxKeptRuns`): at the cap the
    /// audit stays under the stated 256 MiB; one run more is bad evidence (exit 2) naming the file
    /// and the line where the run past the cap starts. (1.85 M appended runs took 5.4 GB before.)
    @Test func logOfAppendedRunsIsCappedAndStaysUnderTheCeiling() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("appended-runs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func log(_ runs: Int) throws -> URL {
            var text = ""
            text.reserveCapacity(runs * 110)
            for i in 0..<runs {
                text += "seed:\(i)\nstep:1/10 train_loss:2.5 train_time:10ms\nfinal_int8_zlib_roundtrip_exact val_loss:2.0 val_bpb:1.2\(i % 10)\n"
            }
            let url = folder.appendingPathComponent("runs\(runs).log")
            try text.write(to: url, atomically: true, encoding: .utf8)
            return url
        }
        let cap = 10_000
        guard let atCap = try HostileRun.measured(["audit", log(cap).path], timeout: 300) else { return }
        #expect(!atCap.timedOut && !atCap.signalled, "\(atCap.stdout.suffix(500))")
        #expect([0, 1].contains(atCap.status), "\(atCap.stdout.suffix(800))\(atCap.stderr.suffix(800))")
        #expect(atCap.maxRSSKiB > 0 && atCap.maxRSSKiB < 256 * 1024, "peak RSS \(atCap.maxRSSKiB) KiB ≥ 256 MiB")
        guard let past = try HostileRun.measured(["audit", log(cap + 1).path], timeout: 300) else { return }
        #expect(past.status == 2, "\(past.stdout.suffix(500))\(past.stderr.suffix(500))")
        let said = past.stdout + past.stderr
        #expect(said.contains("runs\(cap + 1).log") && said.contains("holds more than \(cap) runs") && said.contains("line \(3 * cap + 1)"), "\(said.suffix(600))")
    }

    // MARK: Ambiguity: duplicate keys

    @Test func submissionJSONWithDuplicateValBPB() throws {
        let rec = try HostileRecord.clean()
        defer { rec.remove() }
        try rec.write("submission.json", "{\n  \"val_bpb\": 1.5,\n  \"track\": \"10min_16mb\",\n  \"val_bpb\": 1.22449261\n}\n")
        for command in ["audit", "gate"] {
            let out = try HostileRun.referee([command, rec.record.path], timeout: 30)
            expectClean(out, "\(command) with a duplicate val_bpb")
            #expect(out.output.contains("submission.json:4") && out.output.contains("duplicate key \"val_bpb\""), "\(out.output.prefix(1500))")
            if command == "audit" { #expect(out.status == 2) }
        }
    }

    @Test func probesJSONWithDuplicateKey() throws {
        let rec = try HostileRecord.clean()
        defer { rec.remove() }
        try rec.write("probes.json", #"{"version": 1, "version": 2}"#)
        let out = try HostileRun.referee(["audit", rec.record.path], timeout: 30)
        expectClean(out, "audit with probes.json duplicate keys")
        #expect(out.output.contains("probes.json") && out.output.contains("duplicate key \"version\""), "\(out.output.suffix(3000))")
    }

    @Test func envelopeWithTwoPayloads() throws {
        let (rec, _) = try signed()
        defer { rec.remove() }
        let text = try rec.read("referee.bundle.json")
        // The first payload is the signed one; a second, different one follows it.
        let forged = text.replacingOccurrences(of: "\"payloadType\"", with: "\"payload\": \"e30=\",\n  \"payloadType\"")
        #expect(forged != text)
        try rec.write("referee.bundle.json", forged)
        let out = try HostileRun.referee(["verify", rec.record.path, "--trust-record-key"], timeout: 30)
        expectClean(out, "verify with two payloads")
        #expect(out.status == 1)
        #expect(out.output.contains("duplicate key \"payload\""), "\(out.output)")
    }

    @Test func signedPayloadWithDuplicateSubjectList() throws {
        let (rec, keyURL) = try signed()
        defer { rec.remove() }
        let envelope = try JSONDecoder().decode(DSSEEnvelope.self, from: Data(contentsOf: rec.url("referee.bundle.json")))
        let payload = try #require(envelope.payloadBytes)
        let text = String(decoding: payload, as: UTF8.self)
        // A second "subject" list after the signed one: in-toto tools (Python) read the last.
        let forged = String(text.dropLast()) + #","subject":[{"digest":{"sha256":"\#(String(repeating: "0", count: 64))"},"name":"other.txt"}]}"#
        let key = try Ed25519PrivateKey(contentsOf: keyURL)
        let pae = DSSEEnvelope.pae(payloadType: envelope.payloadType, payload: Data(forged.utf8))
        let signature = try key.signature(for: pae)
        let resigned = DSSEEnvelope(payload: Data(forged.utf8), payloadType: envelope.payloadType,
                                    signatures: [.init(keyid: envelope.signatures[0].keyid, sig: signature.base64EncodedString())])
        try JSONEncoder().encode(resigned).write(to: rec.url("referee.bundle.json"))
        let out = try HostileRun.referee(["verify", rec.record.path, "--trust-record-key"], timeout: 30)
        expectClean(out, "verify with a duplicate subject key in the payload")
        #expect(out.status == 1)
        #expect(out.output.contains("duplicate key \"subject\""), "\(out.output)")
    }

    // MARK: Ambiguity: Unicode-equivalent names

    static let nfc = "caf\u{E9}.txt"
    static let nfd = "cafe\u{301}.txt"

    @Test func nfdTwinOfASignedNFCNameFailsVerify() throws {
        let rec = try HostileRecord.clean()
        defer { rec.remove() }
        try rec.write(Self.nfc, "signed\n")
        let key = rec.root.appendingPathComponent("k")
        #expect(try HostileRun.referee(["keygen", "--out", key.path]).status == 0)
        let sign = try HostileRun.referee(["sign", rec.record.path, "--key", key.path])
        #expect(sign.status == 0, "\(sign.stderr)")
        #expect(try HostileRun.referee(["verify", rec.record.path, "--trust-record-key"]).status == 0)
        try rec.write(Self.nfd, "unsigned\n")
        let out = try HostileRun.referee(["verify", rec.record.path, "--trust-record-key"], timeout: 30)
        expectClean(out, "verify with an NFD twin")
        #expect(out.status == 1)
        #expect(out.output.contains("cafe\\u{301}.txt") && out.output.contains("not covered"), "\(out.output)")
    }

    @Test func signingAFolderWithBothFormsFailsClearly() throws {
        let rec = try HostileRecord.clean()
        defer { rec.remove() }
        try rec.write(Self.nfc, "one\n")
        try rec.write(Self.nfd, "two\n")
        let key = rec.root.appendingPathComponent("k")
        #expect(try HostileRun.referee(["keygen", "--out", key.path]).status == 0)
        let sign = try HostileRun.referee(["sign", rec.record.path, "--key", key.path], timeout: 30)
        expectClean(sign, "sign with NFC and NFD names")
        #expect(sign.status == 2)
        #expect(sign.output.contains("Unicode-equivalent"), "\(sign.output)")
        #expect(!FileManager.default.fileExists(atPath: rec.url("referee.bundle.json").path))
        let audit = try HostileRun.referee(["audit", rec.record.path], timeout: 30)
        expectClean(audit, "audit with NFC and NFD names")
        #expect(audit.status == 2)
        #expect(audit.output.contains("Unicode-equivalent"))
    }
}
