/// The 1024-byte header of a FineWeb token shard: 256 little-endian int32, of which the first
/// three are the magic 20240520, the version 1 and the token count; the rest are zero when written
/// by Referee and ignored when read.
package struct ShardHeader: Sendable, Equatable {
    /// `20240520`, the first int32 of every shard.
    package static let magic: Int32 = 20_240_520
    /// The only version Referee reads and writes.
    package static let version: Int32 = 1
    /// Header size in bytes (256 × int32).
    package static let byteCount = 1024

    /// The number of uint16 tokens that follow the header.
    package var tokenCount: Int

    package init(tokenCount: Int) {
        self.tokenCount = tokenCount
    }

    /// The exact file size a shard with this header must have.
    package var fileSize: Int { Self.byteCount + 2 * tokenCount }

    /// The 1024 header bytes.
    package func encoded() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Self.byteCount)
        for (slot, value) in [Self.magic, Self.version, Int32(truncatingIfNeeded: tokenCount)].enumerated() {
            let u = UInt32(bitPattern: value)
            for k in 0..<4 { bytes[slot * 4 + k] = UInt8(truncatingIfNeeded: u >> (8 * UInt32(k))) }
        }
        return bytes
    }

    /// Decodes and checks a header; `path` names the file in errors.
    ///
    /// - Throws: `DataError.malformed` at offset 0 (magic), 4 (version) or 8 (count, negative).
    package static func decode(_ bytes: [UInt8], path: String) throws(DataError) -> ShardHeader {
        guard bytes.count >= byteCount else {
            throw DataError.malformed(path: path, offset: bytes.count, expected: "a \(byteCount)-byte shard header (file has only \(bytes.count) bytes)")
        }
        func int32(_ slot: Int) -> Int32 {
            var u: UInt32 = 0
            for k in 0..<4 { u |= UInt32(bytes[slot * 4 + k]) << (8 * UInt32(k)) }
            return Int32(bitPattern: u)
        }
        guard int32(0) == magic else {
            throw DataError.malformed(path: path, offset: 0, expected: "shard magic \(magic), found \(int32(0))")
        }
        guard int32(1) == version else {
            throw DataError.malformed(path: path, offset: 4, expected: "shard version \(version), found \(int32(1))")
        }
        let count = int32(2)
        guard count >= 0 else {
            throw DataError.malformed(path: path, offset: 8, expected: "a token count ≥ 0, found \(count)")
        }
        return ShardHeader(tokenCount: Int(count))
    }
}
