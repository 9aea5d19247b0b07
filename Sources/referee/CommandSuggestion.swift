/// "Did you mean" for a mistyped subcommand (swift-argument-parser suggests options only).
enum CommandSuggestion {
    /// The error for `arguments` (without the program name) when its first word is not a known
    /// subcommand: `unknown command 'subimssion'; did you mean 'submission'?` when one is within
    /// two edits, else the list of commands. Nil when the first word is an option or a command.
    static func unknownCommand(in arguments: [String], known: [String]) -> String? {
        guard let word = arguments.first, !word.hasPrefix("-"), !known.contains(word) else { return nil }
        let best = known.map { ($0, distance(word, $0)) }.min { $0.1 < $1.1 }
        if let best, best.1 <= max(1, min(2, word.count / 3)) {
            return "unknown command '\(word)'; did you mean '\(best.0)'? (see 'referee --help')"
        }
        return "unknown command '\(word)'; the commands are: \(known.filter { $0 != "help" }.joined(separator: ", "))"
    }

    /// Levenshtein distance (insertions, deletions, substitutions; a swap of neighbours counts 1).
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[x.count][y.count]
    }
}
