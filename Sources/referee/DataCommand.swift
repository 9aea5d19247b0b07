import ArgumentParser
import Foundation
import RefereeCore
import RefereeData

/// `referee data`: tokenizer and FineWeb shard tools (byte denominators).
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Read tokenizers and FineWeb shards (byte denominators).",
        subcommands: [Bytes.self, Inspect.self]
    )

    /// Output format of the `data` subcommands.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    /// `referee data bytes --tokenizer M --shards GLOB [--format text|json]`.
    struct Bytes: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bytes",
            abstract: "Count tokens, target positions and baseline bytes of validation shards.",
            discussion: """
            The shards matching GLOB (sorted by name) are one stream x[0..N); every position \
            1..N-1 is a target. Bytes follow the baseline val_bpb rule. Exit 2 on bad input.
            """
        )

        @Option(help: "SentencePiece .model file.")
        var tokenizer: String

        @Option(help: "Shard path or shell pattern, quoted (e.g. 'data/fineweb_val_*.bin').")
        var shards: String

        @Option(help: "Output format: text or json.")
        var format: Format = .text

        func run() throws {
            let model = try TokenizerModel(contentsOf: URL(fileURLWithPath: tokenizer))
            let urls = try ShardGlob.expand(shards)
            let count = try ValidationBytes.count(tokenizer: model, tokenizerPath: tokenizer, shards: urls)
            switch format {
            case .text: print(count.text(), terminator: "")
            case .json: FileHandle.standardOutput.write(try CanonicalJSON.encode(count))
            }
        }
    }

    /// `referee data inspect --tokenizer M [--format text|json]`.
    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "inspect",
            abstract: "Show a tokenizer's vocabulary size, specs and piece counts by type."
        )

        @Option(help: "SentencePiece .model file.")
        var tokenizer: String

        @Option(help: "Output format: text or json.")
        var format: Format = .text

        func run() throws {
            let model = try TokenizerModel(contentsOf: URL(fileURLWithPath: tokenizer))
            let summary = TokenizerSummary(model: model, path: tokenizer)
            switch format {
            case .text: print(summary.text(), terminator: "")
            case .json: FileHandle.standardOutput.write(try CanonicalJSON.encode(summary))
            }
        }
    }
}
