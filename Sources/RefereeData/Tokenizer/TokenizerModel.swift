import Foundation
import RefereeCore

/// A SentencePiece `.model` file: its vocabulary and the specs Referee reports.
///
/// Read with `TokenizerModel(contentsOf:)`; it never runs SentencePiece itself. A token id is an
/// index into `pieces`.
package struct TokenizerModel: Sendable, Equatable {
    /// The vocabulary, indexed by token id.
    package var pieces: [Piece]
    package var trainerSpec: TrainerSpec
    package var normalizerSpec: NormalizerSpec

    package init(pieces: [Piece], trainerSpec: TrainerSpec = TrainerSpec(), normalizerSpec: NormalizerSpec = NormalizerSpec()) {
        self.pieces = pieces
        self.trainerSpec = trainerSpec
        self.normalizerSpec = normalizerSpec
    }

    /// The number of pieces (the real vocabulary size; token ids are `0..<vocabSize`).
    package var vocabSize: Int { pieces.count }

    /// Reads and parses a `.model` file.
    package init(contentsOf url: URL) throws(DataError) {
        let data: Data
        do {
            data = try EvidenceFile.readAll(url, limit: 256 << 20)
        } catch {
            guard case .io(_, let reason) = error else { throw DataError.unreadable(path: url.path, reason: error.description) }
            throw DataError.unreadable(path: url.path, reason: reason)
        }
        try self.init(bytes: [UInt8](data), path: url.path)
    }

    /// The id of the first piece whose text is `text`, or nil.
    package func id(of text: String) -> Int? {
        pieces.firstIndex { $0.piece == text }
    }

    /// How many pieces of each type the vocabulary holds (types with none are left out).
    package var countsByType: [PieceType: Int] {
        var counts: [PieceType: Int] = [:]
        for piece in pieces { counts[piece.type, default: 0] += 1 }
        return counts
    }
}
