/// The type of a SentencePiece vocabulary entry (`ModelProto.SentencePiece.Type`).
///
/// The raw values are the protobuf enum numbers; a piece without a type field is `.normal`.
package enum PieceType: Int32, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case normal = 1
    case unknown = 2
    case control = 3
    case userDefined = 4
    case unused = 5
    case byte = 6

    /// True for the pieces that carry no text and reset the leading-space rule:
    /// control (`<s>`, `</s>`, `<pad>`), unknown and unused pieces.
    package var isBoundary: Bool {
        switch self {
        case .control, .unknown, .unused: return true
        case .normal, .userDefined, .byte: return false
        }
    }

    /// The name used in reports: `normal`, `unknown`, `control`, `user_defined`, `unused`, `byte`.
    package var description: String {
        switch self {
        case .normal: return "normal"
        case .unknown: return "unknown"
        case .control: return "control"
        case .userDefined: return "user_defined"
        case .unused: return "unused"
        case .byte: return "byte"
        }
    }
}

/// One vocabulary entry: its text (with "▁" for a space), its score and its type.
package struct Piece: Sendable, Equatable, Codable {
    package var piece: String
    package var score: Float
    package var type: PieceType

    package init(piece: String, score: Float = 0, type: PieceType = .normal) {
        self.piece = piece
        self.score = score
        self.type = type
    }
}

/// The SentencePiece algorithm (`TrainerSpec.ModelType`).
package enum ModelType: Int32, Sendable, Codable, CustomStringConvertible {
    case unigram = 1
    case bpe = 2
    case word = 3
    case char = 4

    package var description: String {
        switch self {
        case .unigram: return "unigram"
        case .bpe: return "bpe"
        case .word: return "word"
        case .char: return "char"
        }
    }
}
