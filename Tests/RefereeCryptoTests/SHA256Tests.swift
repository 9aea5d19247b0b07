import Foundation
import Testing
import RefereeTestSupport
@testable import RefereeCrypto

@Suite struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func nistVectors(message: String, expected: String) {
        #expect(SHA256.hex(Data(message.utf8)) == expected)
    }

    @Test func incrementalEqualsOneShot() throws {
        let data = Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        let hasher = try SHA256Hasher()
        try hasher.update(data.prefix(1))
        try hasher.update(data.dropFirst(1).prefix(65_535))
        try hasher.update(data.dropFirst(65_536))
        #expect(Hex.encode(try hasher.finalize()) == SHA256.hex(data))
    }

    /// A file spanning several read buffers, with a ragged tail, hashes as sha256sum says.
    @Test func fileAcrossBuffersMatchesSha256sum() throws {
        let dir = try TestPaths.tempDir("sha")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("big.bin")
        var bytes = [UInt8](repeating: 0, count: 2 * SHA256.fileBufferSize + 12_345)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: i &* 2_654_435_761 >> 7) }
        try Data(bytes).write(to: url)
        let digest = try FileHash(fileAt: url)
        #expect(digest.byteCount == UInt64(bytes.count))
        #expect(digest.hex == SHA256.hex(Data(bytes)))
        let tool = try ToolRun.run(["sha256sum", url.path])
        #expect(tool.status == 0)
        #expect(tool.stdout.split(separator: " ").first.map(String.init) == digest.hex)
    }

    @Test func emptyFile() throws {
        let dir = try TestPaths.tempDir("sha")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("empty")
        try Data().write(to: url)
        #expect(try SHA256.hex(fileAt: url) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func missingFileNamesThePath() throws {
        let url = URL(fileURLWithPath: "/nonexistent/referee/x.bin")
        #expect(throws: CryptoError.self) { try SHA256.hex(fileAt: url) }
        do {
            _ = try SHA256.hex(fileAt: url)
        } catch {
            #expect(error.description.contains("/nonexistent/referee/x.bin"))
            #expect(error.description.contains("cannot open"))
        }
    }

    @Test func directoryIsNotAFile() throws {
        let dir = try TestPaths.tempDir("sha")
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            _ = try SHA256.hex(fileAt: dir)
            Issue.record("hashing a directory succeeded")
        } catch {
            #expect(error == .io(path: dir.path, reason: "is a directory, not a regular file (Referee reads only regular files as evidence)"))
        }
    }

    @Test func hexEncoding() {
        #expect(Hex.encode([0x00, 0x0f, 0xa5, 0xff]) == "000fa5ff")
        #expect(Hex.encode([UInt8]()) == "")
    }
}
