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

    /// Reading bytes already in memory (a record snapshot's) gives exactly the lines, numbers,
    /// offsets and truncation of reading the file, and the observer sees every byte once.
    @Test(arguments: [
        Array("a\r\nbb\n\nccc".utf8),
        Array("one\ntwo\n".utf8),
        [],
        [UInt8](repeating: 0x41, count: 3_000_000) + [0x0D, 0x0A] + Array("next\r\n".utf8) + [UInt8](repeating: 0x42, count: 1_500_000),
        [UInt8](repeating: 0x0A, count: (1 << 20) + 3),
        [0x61, 0xFF, 0xFE, 0x0A, 0x62, 0x00, 0x0D],
    ])
    func bytesInMemoryReadAsTheFile(bytes: [UInt8]) throws {
        let url = try temp(bytes)
        for cap in [1000, LineReader.defaultMaxLineBytes] {
            var fromFile = try LineReader(url: url, maxLineBytes: cap)
            var seen: [UInt8] = []
            fromFile.observer = { seen.append(contentsOf: $0) }
            let fileLines = Array(IteratorSequence(fromFile))
            var fromMemory = LineReader(bytes: Data(bytes), maxLineBytes: cap)
            var seenInMemory: [UInt8] = []
            fromMemory.observer = { seenInMemory.append(contentsOf: $0) }
            var memoryLines: [Line] = []
            while let line = fromMemory.next() { memoryLines.append(line) }
            #expect(fileLines.map(\.text) == memoryLines.map(\.text))
            #expect(fileLines.map(\.number) == memoryLines.map(\.number))
            #expect(fileLines.map(\.offset) == memoryLines.map(\.offset))
            #expect(fileLines.map(\.truncated) == memoryLines.map(\.truncated))
            #expect(fileLines.map(\.invalidUTF8) == memoryLines.map(\.invalidUTF8))
            #expect(seenInMemory == bytes)
            #expect(seen == bytes)
        }
    }

    @Test func flagsInvalidUTF8() throws {
        let url = try temp([0x61, 0xFF, 0xFE, 0x0A, 0x62])
        let lines = Array(try LineReader(url: url))
        #expect(lines[0].invalidUTF8)
        #expect(!lines[1].invalidUTF8)
    }

    /// `RawLine.plainASCII` (the reader's look-ahead over its buffer) is never true for a line
    /// with a NUL or a byte ≥ 0x80, wherever that byte sits (either side of a 64-byte block, of
    /// the 1 MiB buffer, in a spilled or cut line), and is true for the plain lines of a file
    /// that the parser then checks no more.
    @Test func plainASCIIOnlyForPlainLines() throws {
        var rng = SplitMix64(seed: 15)
        var bytes: [UInt8] = []
        let edges = [0, 1, 15, 16, 17, 63, 64, 65, 79, 80, 127, 128, 129]
        // Lines longer than the cap and than the 1 MiB buffer, at fixed places.
        let long = [5_000: 70_000, 15_000: (1 << 20) - 1, 25_000: (1 << 20) + 1, 35_000: 2 << 20]
        var count = 0
        while count < 60_000 {
            count += 1
            let pick = rng.next() % 10
            let length = long[count] ?? (pick == 0 ? edges.randomElement(using: &rng)! : Int(rng.next() % 100))
            var line = [UInt8](repeating: 0, count: length)
            for i in line.indices { line[i] = UInt8(0x20 + rng.next() % 0x5F) }
            if length > 0, rng.next() % 4 == 0 {
                // One odd byte anywhere in the line: NUL, 0x7F/0x01 (plain), 0x80, 0xFF, CR.
                line[Int(rng.next() % UInt64(length))] = [0x00, 0x7F, 0x01, 0x80, 0xFF, 0xC3, 0x0D].randomElement(using: &rng)!
            }
            bytes += line
            bytes.append(0x0A)
        }
        let url = try temp(bytes)
        for cap in [100, LineReader.defaultMaxLineBytes] {
            var reader = try LineReader(url: url, maxLineBytes: cap)
            reader.marksPlainASCII = true
            var lines = 0
            var plainLines = 0
            var plainFlagged = 0
            var wrong = 0
            reader.forEachLine { line in
                lines += 1
                let plain = line.bytes.allSatisfy { $0 != 0 && $0 < 0x80 }
                if plain { plainLines += 1 }
                if line.plainASCII {
                    plainFlagged += 1
                    if !plain { wrong += 1 }
                }
            }
            #expect(lines == 60_000)
            #expect(wrong == 0)
            // Nearly every plain line is known plain (not those in a spilled line or at the end).
            #expect(plainFlagged > plainLines * 9 / 10)
            #expect(plainLines < lines)
        }
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
