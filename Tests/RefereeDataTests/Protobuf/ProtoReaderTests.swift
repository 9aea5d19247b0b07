import RefereeCore
import Testing
@testable import RefereeData

@Suite struct ProtoReaderTests {
    @Test(arguments: [
        ([0x00], UInt64(0)),
        ([0x01], 1),
        ([0x96, 0x01], 150),
        ([0xFF, 0xFF, 0xFF, 0xFF, 0x0F], UInt64(UInt32.max)),
        ([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], UInt64.max),
    ] as [([UInt8], UInt64)])
    func decodesVarints(bytes: [UInt8], value: UInt64) throws {
        var r = ProtoReader(path: "v", bytes: bytes)
        #expect(try r.readVarint() == value)
        #expect(r.isAtEnd)
    }

    @Test func roundTripsEncoderVarints() throws {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<500 {
            let v = rng.next() >> (rng.next() % 64)
            var e = ProtoEncoder()
            e.varint(v)
            var r = ProtoReader(path: "v", bytes: e.bytes)
            #expect(try r.readVarint() == v)
        }
    }

    @Test(arguments: [
        ([0x80], 0, "message ends inside it"),
        ([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02], 0, "at most 64 bits"),
        ([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x81, 0x00], 0, "at most 64 bits"),
    ] as [([UInt8], Int, String)])
    func rejectsBadVarints(bytes: [UInt8], offset: Int, fragment: String) {
        var r = ProtoReader(path: "bad.model", bytes: bytes)
        do {
            _ = try r.readVarint()
            Issue.record("expected an error")
        } catch {
            guard case .malformed(let path, let at, let expected) = error else { Issue.record("\(error)"); return }
            #expect(path == "bad.model")
            #expect(at == offset)
            #expect(expected.contains(fragment))
        }
    }

    @Test func skipsEveryWireType() throws {
        var e = ProtoEncoder()
        e.int(1, 300)
        e.fixed64(2, 42)
        e.data(3, [1, 2, 3])
        e.fixed32(4, 7)
        e.int(5, 9)
        var r = ProtoReader(path: "m", bytes: e.bytes)
        var numbers: [UInt64] = []
        while let f = try r.readField() {
            numbers.append(f.number)
            if f.number == 5 { #expect(try r.readVarint() == 9) } else { try r.skip(f) }
        }
        #expect(numbers == [1, 2, 3, 4, 5])
    }

    @Test(arguments: [
        ([0x0B], "wire type 0, 1, 2 or 5 (found 3)"),  // field 1, group start
        ([0x0C], "wire type 0, 1, 2 or 5 (found 4)"),
        ([0x00, 0x00], "field number ≥ 1"),
    ] as [([UInt8], String)])
    func rejectsBadKeys(bytes: [UInt8], fragment: String) {
        var r = ProtoReader(path: "m", bytes: bytes)
        #expect {
            _ = try r.readField()
        } throws: { error in
            guard case DataError.malformed(_, 0, let expected) = error else { return false }
            return expected.contains(fragment)
        }
    }

    @Test func rejectsLengthPastEnd() {
        // field 1, length-delimited, claims 5 bytes, only 2 follow.
        var r = ProtoReader(path: "m", bytes: [0x0A, 0x05, 0x41, 0x42])
        #expect(throws: DataError.malformed(path: "m", offset: 1, expected: "5 bytes of a length-delimited field (only 2 left)")) {
            let f = try r.readField()!
            try r.skip(f)
        }
    }

    @Test func nestedReaderKeepsAbsoluteOffsets() throws {
        // outer: field 1 (len 3) containing field 1 varint with a truncated value.
        var r = ProtoReader(path: "m", bytes: [0x0A, 0x02, 0x08, 0x80])
        let f = try #require(try r.readField())
        var sub = try r.readMessage(f, "sub")
        _ = try sub.readField()
        #expect(throws: DataError.malformed(path: "m", offset: 3, expected: "a varint (message ends inside it)")) {
            _ = try sub.readVarint()
        }
    }
}
