import Foundation
import RefereeCrypto
import RefereeData

/// `--training-validation`: what the training process finds as `fineweb_val_*.bin` in its data
/// folder.
///
/// - `decoy`: NOT the validation shards but one decoy `fineweb_val_000000.bin` holding exactly as
///   many tokens as the validation stream (so scripts that evaluate at the end still run and
///   their traces keep their positions and coverage): the last `val_tokens` tokens of the
///   training stream (training shards in name order), cut off the training shards the process
///   gets, so it is never trained on. The real data folder and the held-out folder are hidden.
/// - `real`: the validation shards as given (an unmodified baseline script scores itself on them).
package enum TrainingValidationMode: String, Sendable, Codable, Hashable, CaseIterable {
    case decoy
    case real

    /// The default for an entry script: `decoy` when its text shows an eval entry point (it
    /// mentions `REFEREE_EVAL_ONLY` or `referee_probe`), since then Referee's own evaluation
    /// gives the score; `real` otherwise (an unmodified script under `--autotrace` logs its
    /// score on what it reads). Only the entry script is read, not the modules it imports.
    package static func detect(entryScript: URL) -> (mode: TrainingValidationMode, reason: String) {
        guard let data = try? Data(contentsOf: entryScript) else {
            return (.real, "entry script unreadable: no eval entry point detected")
        }
        let text = String(decoding: data, as: UTF8.self)
        for needle in ["REFEREE_EVAL_ONLY", "referee_probe"] where text.contains(needle) {
            return (.decoy, "default: the entry script mentions \(needle) (an eval entry point)")
        }
        return (.real, "default: the entry script mentions neither REFEREE_EVAL_ONLY nor referee_probe (no eval entry point)")
    }
}

/// run.json's `training_validation`: what the training process got in place of the validation
/// shards, and what was hidden from it.
package struct TrainingValidationRecord: Sendable, Codable, Hashable {
    package var mode: TrainingValidationMode
    /// Why this mode (`--training-validation` given, or the default's detection).
    package var reason: String
    /// Where the decoy's tokens come from (nil in mode `real`).
    package var source: DecoySource?
    /// Tokens of the `fineweb_val_*.bin` stream the training process saw (decoy: = `data.val_tokens`).
    package var tokens: Int?
    /// Bytes of that stream's targets under the tokenizer (RefereeData's rule; nil without a
    /// tokenizer): the denominator of any score the training run logs on it.
    package var bytes: Int?
    /// SHA-256 of the decoy shard as the training process saw it.
    package var sha256: String?
    /// Stream positions of the decoy's BOS tokens (its documents: `causal.single-pass` orders the
    /// training run's trace, which counts the decoy's positions, within them). Nil in mode `real`,
    /// where `data.val_document_starts` applies.
    package var documentStarts: [Int]? = nil
    /// The training shards as the training process saw them (the last one cut short in decoy mode).
    package var trainingShards: [DataRecord.Shard]
    /// Host folders hidden inside the sandbox (the real data folder, the held-out folder).
    package var hidden: [String]
}

/// Where a decoy came from: tokens `[start, end)` of each listed training shard, in order.
package struct DecoySource: Sendable, Codable, Hashable {
    package struct Slice: Sendable, Codable, Hashable {
        package var shard: String
        package var start: Int
        package var end: Int
    }
    package var slices: [Slice]
    package var description: String
}

/// run.json's `heldout`: the held-out shards given with `--heldout-shards` (never visible to
/// training; evaluated by Referee's own evaluation campaign).
package struct HeldoutRecord: Sendable, Codable, Hashable {
    package var path: String
    package var shards: [DataRecord.Shard]
    package var tokens: Int

    /// Hashes every `.bin` shard at the top of `folder` (name order). A folder without one, or a
    /// file that is not a FineWeb shard, is a bad input.
    package static func measure(_ folder: URL) throws(RunnerError) -> HeldoutRecord {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDir), isDir.boolValue else {
            throw RunnerError.badInput(path: folder.path, reason: "--heldout-shards must be a folder of FineWeb-format .bin shards")
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".bin") }.sorted()
        guard !names.isEmpty else { throw RunnerError.badInput(path: folder.path, reason: "--heldout-shards: no .bin shard in the folder") }
        var shards: [DataRecord.Shard] = []
        var total = 0
        for name in names {
            let url = folder.appendingPathComponent(name)
            let digest = try FileDigest.of(url, relative: name)
            let tokens: Int
            do { tokens = try ShardReader(url: url).tokenCount } catch {
                throw RunnerError.badInput(path: url.path, reason: "--heldout-shards: not a FineWeb shard: \(error)")
            }
            shards.append(DataRecord.Shard(name: name, split: "heldout", bytes: digest.bytes, sha256: digest.sha256, tokens: tokens))
            total += tokens
        }
        return HeldoutRecord(path: folder.standardizedFileURL.path, shards: shards, tokens: total)
    }
}

/// The data folder the training process gets, built in a staging folder outside the record.
package struct TrainingData: Sendable {
    /// The folder to present as `DATA_PATH` (its files are real files or placeholders).
    package var folder: URL
    /// Unchanged shards of the real data folder: in the sandbox each is bound read-only over its
    /// placeholder in `folder`; without the sandbox `folder` holds symbolic links to them.
    package var passThrough: [URL]
    package var record: TrainingValidationRecord

    /// Builds the decoy data folder in `stage` from the real `dataPath`. `valTokens` is the
    /// length of the validation stream; the decoy is the last `valTokens` tokens of the
    /// training stream, removed from the training shards presented. Throws a bad input when the
    /// training shards hold no more tokens than that.
    /// `known`: digests already taken of the real shards (``DataRecord``), reused for the
    /// shards passed through unchanged (FineWeb's 8 GB are not hashed twice).
    package static func decoy(dataPath: URL, valTokens: Int, tokenizer: URL?, stage: URL, sandboxed: Bool,
                              reason: String, hidden: [String], known: [DataRecord.Shard] = []) throws(RunnerError) -> TrainingData {
        let fm = FileManager.default
        do { try fm.createDirectory(at: stage, withIntermediateDirectories: true) } catch {
            throw RunnerError.io(path: stage.path, reason: "cannot create folder: \(error.localizedDescription)")
        }
        let names = ((try? fm.contentsOfDirectory(atPath: dataPath.path)) ?? []).sorted()
        var train: [(name: String, url: URL, tokens: Int)] = []
        var others: [URL] = []
        for name in names {
            let url = dataPath.appendingPathComponent(name)
            var st = stat()
            guard lstat(url.path, &st) == 0, st.st_mode & S_IFMT == S_IFREG || st.st_mode & S_IFMT == S_IFLNK else { continue }
            if name.hasSuffix(".bin") && name.contains("_val_") { continue }
            if name.hasSuffix(".bin") && name.contains("_train_") {
                do { train.append((name, url, try ShardReader(url: url).tokenCount)) } catch {
                    throw RunnerError.badInput(path: url.path, reason: "not a FineWeb shard: \(error)")
                }
            } else {
                others.append(url)
            }
        }
        let trainTokens = train.reduce(0) { $0 + $1.tokens }
        guard valTokens > 0, trainTokens > valTokens else {
            throw RunnerError.badInput(path: dataPath.path, reason: "--training-validation decoy takes the last \(valTokens) tokens of the training shards, which hold \(trainTokens): give more training data or --training-validation real")
        }
        // Walk back from the last training shard until the slice is long enough.
        var need = valTokens
        var slices: [DecoySource.Slice] = []
        var cut: [String: Int] = [:]  // shard name → tokens kept (0: dropped)
        for shard in train.reversed() where need > 0 {
            let take = min(need, shard.tokens)
            slices.insert(DecoySource.Slice(shard: shard.name, start: shard.tokens - take, end: shard.tokens), at: 0)
            cut[shard.name] = shard.tokens - take
            need -= take
        }
        let decoyURL = stage.appendingPathComponent("fineweb_val_000000.bin")
        try ShardCopy.write(to: decoyURL, tokenCount: valTokens,
                            parts: slices.map { s in (train.first { $0.name == s.shard }!.url, s.start, s.end) })
        var passThrough: [URL] = []
        var shards: [DataRecord.Shard] = []
        for shard in train {
            let target = stage.appendingPathComponent(shard.name)
            if let kept = cut[shard.name] {
                guard kept > 0 else { continue }
                try ShardCopy.write(to: target, tokenCount: kept, parts: [(shard.url, 0, kept)])
            } else {
                try placeholder(target, for: shard.url, sandboxed: sandboxed)
                passThrough.append(shard.url)
            }
            if cut[shard.name] == nil, let seen = known.first(where: { $0.name == shard.name }) {
                shards.append(seen)
                continue
            }
            let digest = try FileDigest.of(cut[shard.name] == nil ? shard.url : target, relative: shard.name)
            shards.append(DataRecord.Shard(name: shard.name, split: "train", bytes: digest.bytes, sha256: digest.sha256,
                                           tokens: cut[shard.name] ?? shard.tokens))
        }
        for url in others {
            try placeholder(stage.appendingPathComponent(url.lastPathComponent), for: url, sandboxed: sandboxed)
            passThrough.append(url)
        }
        let digest = try FileDigest.of(decoyURL, relative: decoyURL.lastPathComponent)
        var bytes: Int?
        var bos: UInt16 = 1
        if let tokenizer {
            do {
                let model = try TokenizerModel(bytes: [UInt8](Data(contentsOf: tokenizer)), path: tokenizer.path)
                bytes = try ValidationBytes.count(tokenizer: model, tokenizerPath: tokenizer.path, shards: [decoyURL]).bytes
                bos = UInt16(exactly: model.trainerSpec.bosId) ?? bos
            } catch {
                throw RunnerError.badInput(path: tokenizer.path, reason: "cannot count the decoy's bytes: \(error)")
            }
        }
        let starts: [Int]
        do { starts = try DocumentStarts.find(shards: [decoyURL], bos: bos) } catch {
            throw RunnerError.io(path: decoyURL.path, reason: "cannot read the decoy's documents: \(error)")
        }
        let text = slices.map { "\($0.shard) tokens [\($0.start), \($0.end))" }.joined(separator: " + ")
        let source = DecoySource(slices: slices, description: "the last \(valTokens) tokens of the training stream (training shards in name order): \(text); "
                                 + "the training process got those shards without them, so the decoy is never trained on")
        var record = TrainingValidationRecord(mode: .decoy, reason: reason, source: source, tokens: valTokens, bytes: bytes,
                                              sha256: digest.sha256, trainingShards: shards, hidden: hidden)
        record.documentStarts = starts
        return TrainingData(folder: stage, passThrough: passThrough, record: record)
    }

    /// An empty file to bind over (sandbox) or a symbolic link to the original (no sandbox).
    static func placeholder(_ target: URL, for original: URL, sandboxed: Bool) throws(RunnerError) {
        do {
            if sandboxed {
                guard FileManager.default.createFile(atPath: target.path, contents: nil) else {
                    throw RunnerError.io(path: target.path, reason: "cannot create the placeholder of \(original.path)")
                }
            } else {
                try FileManager.default.createSymbolicLink(at: target, withDestinationURL: original.resolvingSymlinksInPath())
            }
        } catch let error as RunnerError {
            throw error
        } catch {
            throw RunnerError.io(path: target.path, reason: "cannot link \(original.path): \(error.localizedDescription)")
        }
    }
}

/// Writes FineWeb-format shards made of token ranges of other shards, streaming (4 MiB at a time).
enum ShardCopy {
    static func write(to url: URL, tokenCount: Int, parts: [(URL, Int, Int)]) throws(RunnerError) {
        do {
            guard FileManager.default.createFile(atPath: url.path, contents: Data(ShardHeader(tokenCount: tokenCount).encoded())) else {
                throw RunnerError.io(path: url.path, reason: "cannot create the shard")
            }
            let out = try FileHandle(forWritingTo: url)
            defer { try? out.close() }
            try out.seekToEnd()
            var written = 0
            for (source, start, end) in parts {
                let input = try FileHandle(forReadingFrom: source)
                defer { try? input.close() }
                try input.seek(toOffset: UInt64(ShardHeader.byteCount + 2 * start))
                var left = 2 * (end - start)
                while left > 0 {
                    guard let chunk = try input.read(upToCount: min(left, 1 << 22)), !chunk.isEmpty else {
                        throw RunnerError.io(path: source.path, reason: "shard ends before token \(end)")
                    }
                    try out.write(contentsOf: chunk)
                    left -= chunk.count
                }
                written += end - start
            }
            guard written == tokenCount else { throw RunnerError.io(path: url.path, reason: "wrote \(written) tokens, expected \(tokenCount)") }
        } catch let error as RunnerError {
            throw error
        } catch {
            throw RunnerError.io(path: url.path, reason: "cannot write the shard: \(error.localizedDescription)")
        }
    }
}
