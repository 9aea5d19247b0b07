import Foundation
import RefereeData

/// The shards a probe reads and writes, through RefereeData's FineWeb shard reader and writer.
enum ProbeShard {
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

    /// Every `fineweb_val_*.bin` of `dataPath` (with `prefix` nil: every `*.bin`), in name
    /// order, concatenated into one stream.
    static func readStream(in dataPath: URL, prefix: String? = "fineweb_val_") throws(ProbeError) -> [UInt16] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: dataPath.path)
        } catch {
            throw ProbeError.badInput(path: dataPath.path, reason: "cannot list the data folder (expected \(prefix ?? "")*.bin shards)")
        }
        let shards = names.filter { $0.hasPrefix(prefix ?? "") && $0.hasSuffix(".bin") }.sorted()
        guard !shards.isEmpty else {
            throw ProbeError.badInput(path: dataPath.path, reason: "no \(prefix ?? "")*.bin shard in the folder")
        }
        var stream: [UInt16] = []
        for name in shards {
            let url = dataPath.appendingPathComponent(name)
            do { stream += try ShardReader(url: url).readAll() } catch {
                throw ProbeError.badInput(path: url.path, reason: error.description)
            }
        }
        return stream
    }

    /// Reads at most `limit` tokens of the shard at `url` (header and length validated by
    /// RefereeData's ``ShardReader``).
    static func read(_ url: URL, limit: Int) throws(ProbeError) -> [UInt16] {
        do {
            return try ShardReader(url: url).readPrefix(limit)
        } catch {
            throw ProbeError.badInput(path: url.path, reason: error.description)
        }
    }

    /// Writes `tokens` as a shard at `url`, atomically (RefereeData's ``ShardWriter``).
    static func write(_ tokens: [UInt16], to url: URL) throws(ProbeError) {
        do {
            try ShardWriter.write(tokens, to: url)
        } catch {
            throw ProbeError.io(path: url.path, reason: error.description)
        }
    }
}
