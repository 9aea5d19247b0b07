import Foundation
import Testing
import RefereeCrypto
import RefereeTestSupport
@testable import RefereeBundle

/// The written bundle verifies with tools that share no code with Referee.
@Suite struct BundleInteropTests {
    /// `openssl pkeyutl -verify -rawin` accepts the envelope's signature over the PAE bytes with
    /// the record's referee.pub.pem, and rejects it over altered bytes.
    @Test func opensslVerifiesTheSignatureOverThePAE() throws {
        let fixture = try RecordFixture.make()
        defer { fixture.remove() }
        try fixture.signer().sign(fixture.record)
        let envelope = try fixture.readEnvelope()
        let payload = try #require(envelope.payloadBytes)
        let pae = DSSEEnvelope.pae(payloadType: envelope.payloadType, payload: payload)
        let paeURL = fixture.root.appendingPathComponent("pae.bin"), sigURL = fixture.root.appendingPathComponent("sig.bin")
        try pae.write(to: paeURL)
        try #require(Data(base64Encoded: envelope.signatures[0].sig)).write(to: sigURL)
        let args = ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", fixture.publicKeyURL.path, "-rawin", "-in", paeURL.path, "-sigfile", sigURL.path]
        let ok = try ToolRun.run(args)
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(ok.stdout.contains("Signature Verified Successfully"))

        var altered = pae
        altered[altered.count - 2] ^= 0x01
        try altered.write(to: paeURL)
        #expect(try ToolRun.run(args).status != 0)
    }

    /// securesystemslib's DSSE implementation verifies the envelope with the record's public key
    /// under Referee's key id, and reads back an in-toto Statement v1 with every subject.
    @Test func securesystemslibVerifiesTheEnvelope() throws {
        let fixture = try RecordFixture.make()
        defer { fixture.remove() }
        try fixture.signer().sign(fixture.record)
        let script = """
        import json, sys
        from cryptography.hazmat.primitives.serialization import load_pem_public_key
        from securesystemslib.dsse import Envelope
        from securesystemslib.signer import SSlibKey
        bundle, pub, keyid = sys.argv[1], sys.argv[2], sys.argv[3]
        envelope = Envelope.from_dict(json.load(open(bundle)))
        key = SSlibKey.from_crypto(load_pem_public_key(open(pub, "rb").read()), keyid=keyid)
        accepted = envelope.verify([key], 1)
        statement = json.loads(envelope.pae().split(b" ", 4)[4])
        print(json.dumps({"accepted": sorted(accepted), "type": statement["_type"], "subjects": len(statement["subject"])}))
        """
        let keyID = try fixture.key.publicKey().keyID()
        let run = try ToolRun.run(["python3", "-c", script, fixture.bundleURL.path, fixture.publicKeyURL.path, keyID])
        #expect(run.status == 0, "securesystemslib rejected the envelope or is not installed (pip install securesystemslib): \(run.stderr)")
        let result = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        #expect(result?["accepted"] as? [String] == [keyID])
        #expect(result?["type"] as? String == BundleLayout.statementType)
        #expect(result?["subjects"] as? Int == RecordFixture.files.count)

        // And it rejects the same envelope under another key.
        let other = fixture.root.appendingPathComponent("other.pub")
        try Ed25519PrivateKey.generate().publicKey().spkiPEM().write(to: other)
        let rejected = try ToolRun.run(["python3", "-c", script, fixture.bundleURL.path, other.path, keyID])
        #expect(rejected.status != 0)
        #expect(rejected.stderr.contains("VerificationError") || rejected.stderr.contains("threshold"), "\(rejected.stderr)")
    }

    /// A real record from the shared samples signs and verifies; a flipped byte in its real
    /// log is caught by name.
    @Test func realSampleRecordSignsAndVerifies() throws {
        guard let samples = TestPaths.samples else {
            print("SKIP realSampleRecordSignsAndVerifies: shared samples not found beside the clone")
            return
        }
        let source = samples.appendingPathComponent("track_10min_16mb/2026-03-20_11L_XSA4_EMA_Int6_MLP3x_WD04_1.1271")
        let fixture = try RecordFixture.make()
        defer { fixture.remove() }
        let record = fixture.root.appendingPathComponent("real")
        try FileManager.default.copyItem(at: source, to: record)
        let names = try FileManager.default.contentsOfDirectory(atPath: source.path).sorted()
        let statement = try fixture.signer().sign(record)
        #expect(statement.subject.map(\.name) == names)
        #expect(try fixture.verifier().verify(record).verified)

        let log = record.appendingPathComponent("train_seed42.log")
        var data = try Data(contentsOf: log)
        data[data.count - 3] ^= 0x01
        try data.write(to: log)
        let failure = try fixture.verifier().verify(record).failure
        guard case .digestMismatch(let path, _, _)? = failure else {
            Issue.record("expected a digest mismatch, got \(String(describing: failure))")
            return
        }
        #expect(path == "train_seed42.log")
    }
}
