import Foundation
import RefereeCore

/// FineWeb shard reading and writing for probes: a header of 256 little-endian int32 (magic
/// 20240520, version 1, token count), then the uint16 little-endian tokens.
///
/// (Note for the lead: RefereeData's `ShardWriter` can replace `write` once merged.)
enum ProbeShard {
    static let magic: Int32 = 20240520
    static let headerBytes = 256 * 4

    /// The first `fineweb_val_*.bin` of `dataPath` in name order.
    static func firstValidationShard(in dataPath: URL) throws(ProbeError) -> URL {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: dataPath.path)
        } catch {
            throw ProbeError.badInput(path: dataPath.path, reason: "cannot list the data folder (expected fineweb_val_*.bin shards; give it with --data-path)")
        }
        guard let first = names.filter({ $0.hasPrefix("fineweb_val_") && $0.hasSuffix(".bin") }).sorted().first else {
            throw ProbeError.badInput(path: dataPath.path, reason: "no fineweb_val_*.bin shard in the data folder (give the folder with --data-path)")
        }
        return dataPath.appendingPathComponent(first)
    }

    /// Reads at most `limit` tokens of the shard at `url`, validating its header.
    static func read(_ url: URL, limit: Int) throws(ProbeError) -> [UInt16] {
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: url) } catch {
            throw ProbeError.io(path: url.path, reason: "cannot open the shard (\(error.localizedDescription))")
        }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: headerBytes)) ?? nil
        guard let header, header.count == headerBytes else {
            throw ProbeError.badInput(path: url.path, reason: "shorter than the 1024-byte shard header")
        }
        let ints = [UInt8](header.prefix(12))
        func int32(_ i: Int) -> Int32 {
            Int32(bitPattern: UInt32(ints[i]) | UInt32(ints[i + 1]) << 8 | UInt32(ints[i + 2]) << 16 | UInt32(ints[i + 3]) << 24)
        }
        guard int32(0) == magic else { throw ProbeError.badInput(path: url.path, reason: "magic \(int32(0)), expected \(magic)") }
        guard int32(4) == 1 else { throw ProbeError.badInput(path: url.path, reason: "version \(int32(4)), expected 1") }
        let count = Int(int32(8))
        let wanted = min(count, limit)
        let body = ((try? handle.read(upToCount: wanted * 2)) ?? nil) ?? Data()
        guard body.count == wanted * 2 else {
            throw ProbeError.badInput(path: url.path, reason: "header says \(count) tokens but the file ends after \(body.count / 2)")
        }
        let bytes = [UInt8](body)
        return (0..<wanted).map { UInt16(bytes[2 * $0]) | UInt16(bytes[2 * $0 + 1]) << 8 }
    }

    /// The bytes of a shard holding `tokens`.
    static func encode(_ tokens: [UInt16]) -> Data {
        var bytes = [UInt8](repeating: 0, count: headerBytes + 2 * tokens.count)
        for (i, v) in [UInt32(bitPattern: magic), 1, UInt32(tokens.count)].enumerated() {
            for b in 0..<4 { bytes[4 * i + b] = UInt8((v >> (8 * UInt32(b))) & 0xFF) }
        }
        for (i, t) in tokens.enumerated() {
            bytes[headerBytes + 2 * i] = UInt8(t & 0xFF)
            bytes[headerBytes + 2 * i + 1] = UInt8(t >> 8)
        }
        return Data(bytes)
    }

    /// Writes `tokens` as a shard at `url`, atomically.
    static func write(_ tokens: [UInt16], to url: URL) throws(ProbeError) {
        do { try AtomicFile.write(encode(tokens), to: url) } catch {
            throw ProbeError.io(path: url.path, reason: error.description)
        }
    }
}
