import Foundation
import Testing
@testable import RefereeCore

@Suite struct LineReaderTests {
    func temp(_ bytes: [UInt8]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lr-\(UUID().uuidString)")
        try Data(bytes).write(to: url)
        return url
    }

    @Test func splitsLinesAndDropsCR() throws {
        let url = try temp(Array("a\r\nbb\n\nccc".utf8))
        let lines = Array(try LineReader(url: url))
        #expect(lines.map(\.text) == ["a", "bb", "", "ccc"])
        #expect(lines.map(\.number) == [1, 2, 3, 4])
        #expect(lines.map(\.offset) == [0, 3, 6, 7])
    }

    @Test func capsLongLinesAndKeepsCounting() throws {
        var bytes = [UInt8](repeating: 0x41, count: 3_000_000)
        bytes.append(0x0A)
        bytes.append(contentsOf: Array("next\n".utf8))
        let url = try temp(bytes)
        let lines = Array(try LineReader(url: url, maxLineBytes: 1000))
        #expect(lines.count == 2)
        #expect(lines[0].truncated)
        #expect(lines[0].text.utf8.count == 1000)
        #expect(lines[1].text == "next")
        #expect(!lines[1].truncated)
    }

    @Test func flagsInvalidUTF8() throws {
        let url = try temp([0x61, 0xFF, 0xFE, 0x0A, 0x62])
        let lines = Array(try LineReader(url: url))
        #expect(lines[0].invalidUTF8)
        #expect(!lines[1].invalidUTF8)
    }

    @Test func missingFileIsAnError() {
        #expect(throws: CoreError.self) { _ = try LineReader(url: URL(fileURLWithPath: "/nonexistent/x.log")) }
    }

    @Test func atomicWriteReplacesWholeFile() throws {
        let url = try temp(Array("old".utf8))
        try AtomicFile.write("new content", to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == "new content")
        let siblings = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
        #expect(!siblings.contains { $0.hasPrefix(".\(url.lastPathComponent).tmp") })
    }
}
