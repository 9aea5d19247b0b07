import Foundation
import RefereeData

/// `run.json`'s `data`: the shards and tokenizer Referee supplied, with their digests, and
/// Referee's own count of validation tokens and bytes (the val_bpb denominator, RefereeData's
/// rule), so that no rule takes a submission's word for them.
package struct DataRecord: Sendable, Codable, Hashable {
    package var dataPath: String?
    package var tokenizer: FileDigest?
    package var shards: [Shard]
    /// Tokens in the validation shards (from their headers, checked against their lengths).
    package var valTokens: Int?
    /// Bytes of the validation targets under the tokenizer (nil without a tokenizer).
    package var valBytes: Int?
    /// Stream positions of the validation shards' BOS tokens (the tokenizer's `bos_id`, 1
    /// without a tokenizer): where each document begins. `causal.single-pass` orders a rank's
    /// scores within each document with them.
    package var valDocumentStarts: [Int]?
    /// Why a count is missing, when one is.
    package var note: String?

    package struct Shard: Sendable, Codable, Hashable {
        package var name: String
        /// `train`, `val` or `other`, from the file name (`fineweb_val_000000.bin`).
        package var split: String
        package var bytes: Int
        package var sha256: String
        package var tokens: Int?
    }

    /// Hashes every `.bin` shard at the top of `dataPath` and the tokenizer, and counts the
    /// validation bytes. A shard or tokenizer that cannot be read is a bad input.
    package static func measure(dataPath: URL?, tokenizer: URL?) throws(RunnerError) -> DataRecord {
        for (flag, url) in [("--data-path", dataPath), ("--tokenizer-path", tokenizer)] {
            guard let url else { continue }
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else {
                throw RunnerError.badInput(path: url.path, reason: "\(flag) does not exist")
            }
            if isDir.boolValue != (flag == "--data-path") {
                throw RunnerError.badInput(path: url.path, reason: flag == "--data-path" ? "--data-path must be a folder of shards" : "--tokenizer-path must be a .model file")
            }
        }
        var record = DataRecord(dataPath: dataPath?.path, tokenizer: nil, shards: [], valTokens: nil, valBytes: nil, note: nil)
        if let tokenizer { record.tokenizer = try FileDigest.of(tokenizer, relative: tokenizer.path) }
        guard let dataPath else { return record }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dataPath.path)) ?? []).filter { $0.hasSuffix(".bin") }.sorted()
        var valShards: [URL] = []
        var valTokens = 0
        for name in names {
            let url = dataPath.appendingPathComponent(name)
            let digest = try FileDigest.of(url, relative: name)
            let split = name.contains("_val_") ? "val" : name.contains("_train_") ? "train" : "other"
            let tokens: Int?
            do { tokens = try ShardReader(url: url).tokenCount } catch {
                throw RunnerError.badInput(path: url.path, reason: "not a FineWeb shard: \(error)")
            }
            record.shards.append(Shard(name: name, split: split, bytes: digest.bytes, sha256: digest.sha256, tokens: tokens))
            if split == "val" { valShards.append(url); valTokens += tokens ?? 0 }
        }
        guard !valShards.isEmpty else { record.note = "no fineweb_val_*.bin shard in the data folder"; return record }
        record.valTokens = valTokens
        guard let tokenizer else {
            record.note = "no --tokenizer-path: validation bytes not counted"
            record.valDocumentStarts = try documentStarts(valShards, bos: 1)
            return record
        }
        var bos: UInt16? = 1   // nil when the tokenizer disables BOS (bos_id -1): no documents
        do {
            let bytes = try [UInt8](Data(contentsOf: tokenizer))
            let model = try TokenizerModel(bytes: bytes, path: tokenizer.path)
            bos = UInt16(exactly: model.trainerSpec.bosId)
            record.valBytes = try ValidationBytes.count(tokenizer: model, tokenizerPath: tokenizer.path, shards: valShards).bytes
        } catch let error as DataError {
            throw RunnerError.badInput(path: tokenizer.path, reason: "cannot count validation bytes: \(error)")
        } catch {
            throw RunnerError.badInput(path: tokenizer.path, reason: "cannot read the tokenizer: \(error.localizedDescription)")
        }
        if let bos { record.valDocumentStarts = try documentStarts(valShards, bos: bos) }
        return record
    }

    private static func documentStarts(_ shards: [URL], bos: UInt16) throws(RunnerError) -> [Int] {
        do {
            return try DocumentStarts.find(shards: shards, bos: bos)
        } catch {
            throw RunnerError.badInput(path: shards.first?.path ?? "", reason: "cannot read the validation shards' documents: \(error)")
        }
    }
}
