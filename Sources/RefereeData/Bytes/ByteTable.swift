/// Per-token-id lookup tables for the baseline byte rule of Parameter Golf's `val_bpb`.
///
/// The bytes of a target token `t` preceded by `p` are
/// `baseBytes[t] + (hasLeadingSpace[t] && !isBoundary[p] ? 1 : 0)`, where
/// - control, unknown and unused pieces have 0 base bytes and are boundaries;
/// - a byte (fallback) piece has 1 base byte;
/// - any other piece has the UTF-8 length of its text without a leading "▁", and
///   `hasLeadingSpace` when it starts with "▁".
///
/// The tables hold 65,536 entries (every uint16) so a lookup never goes out of bounds; ids at or
/// past `vocabSize` are not valid tokens and are rejected by `ByteCounter`.
package struct ByteTable: Sendable {
    /// The number of pieces of the tokenizer (valid ids are `0..<vocabSize`).
    package let vocabSize: Int
    /// Base bytes per id (UTF-8 lengths are capped at 255, far above any real piece).
    let base: [UInt8]
    /// 1 when the piece starts with "▁", else 0.
    let leadingSpace: [UInt8]
    /// 1 when the piece is NOT a boundary (control/unknown/unused), else 0.
    let notBoundary: [UInt8]

    /// Builds the tables from a tokenizer's pieces.
    package init(model: TokenizerModel) {
        self.init(pieces: model.pieces)
    }

    /// Builds the tables from a vocabulary (index = token id).
    package init(pieces: [Piece]) {
        let size = 1 << 16
        var base = [UInt8](repeating: 0, count: size)
        var space = [UInt8](repeating: 0, count: size)
        var notBoundary = [UInt8](repeating: 0, count: size)
        for (id, piece) in pieces.prefix(size).enumerated() {
            let (b, s) = Self.rule(piece)
            base[id] = b
            space[id] = s ? 1 : 0
            notBoundary[id] = piece.type.isBoundary ? 0 : 1
        }
        self.vocabSize = pieces.count
        self.base = base
        self.leadingSpace = space
        self.notBoundary = notBoundary
    }

    /// Base bytes and leading-space flag of one piece.
    static func rule(_ piece: Piece) -> (UInt8, Bool) {
        if piece.type.isBoundary { return (0, false) }
        if piece.type == .byte { return (1, false) }
        var utf8 = Substring(piece.piece).utf8
        let marker = "\u{2581}".utf8  // "▁", 3 bytes
        let leading = utf8.starts(with: marker)
        if leading { utf8 = utf8.dropFirst(marker.count) }
        return (UInt8(min(utf8.count, 255)), leading)
    }

    /// The bytes of target `token` when it follows `previous`.
    ///
    /// Both ids must be below 65,536; ids at or past `vocabSize` count as 0-byte boundaries.
    package func bytes(of token: UInt16, after previous: UInt16) -> Int {
        Int(base[Int(token)]) + Int(leadingSpace[Int(token)] & notBoundary[Int(previous)])
    }

    /// Whether `token` is a valid id of this vocabulary.
    package func isValid(_ token: UInt16) -> Bool { Int(token) < vocabSize }
}
