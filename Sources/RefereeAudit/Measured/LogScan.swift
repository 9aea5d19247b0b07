import Foundation
import RefereeCore

/// A second, narrow pass over one log file for what the log reader does not keep: the time stamp
/// of every step line that reports `train_time` (Referee's clock in a record made by
/// `referee run`), and metric values that are not numbers (`val_bpb:nan`, `val_loss:inf`), which
/// the log reader skips as unreadable.
package struct LogScan: Codable, Hashable, Sendable {
    /// A `step:…` or `stopping_early:` line with `train_time`, and the stamp it carries.
    package struct StampedStep: Codable, Hashable, Sendable {
        package var line: Int
        /// Unix seconds of the line's stamp (nil when the line carries none).
        package var stamp: Double?
        package var trainTimeMs: Double
        /// True when the line also reports a validation (`val_loss`/`val_bpb`): scripts stop
        /// their training clock while they validate, so the interval ending here is not compared.
        package var validation: Bool
        package init(line: Int, stamp: Double?, trainTimeMs: Double, validation: Bool) {
            self.line = line
            self.stamp = stamp
            self.trainTimeMs = trainTimeMs
            self.validation = validation
        }
    }

    /// A metric written as something other than a finite decimal number.
    package struct BadNumber: Codable, Hashable, Sendable {
        package var line: Int
        package var key: String
        package var text: String
    }

    package var steps: [StampedStep] = []
    package var badNumbers: [BadNumber] = []
    package static let maxSteps = 200_000
    package static let maxBadNumbers = 50

    package init() {}

    /// Scans `url` line by line (bounded memory). Unreadable files give an empty scan: the log
    /// reader has already reported them.
    package static func scan(_ url: URL) -> LogScan {
        var out = LogScan()
        guard let reader = try? LineReader(url: url) else { return out }
        for line in reader {
            let text = line.text
            guard text.contains("train_time") || text.contains("val_bpb") || text.contains("val_loss") else { continue }
            let (stamp, message) = splitStamp(text)
            for key in ["val_bpb", "val_loss"] {
                if let word = value(after: key, in: message), notANumber(word), out.badNumbers.count < maxBadNumbers {
                    out.badNumbers.append(BadNumber(line: line.number, key: key, text: word))
                }
            }
            guard message.hasPrefix("step:") || message.hasPrefix("stopping_early"), out.steps.count < maxSteps,
                  let word = value(after: "train_time", in: message), word.hasSuffix("ms"),
                  let ms = Double(word.dropLast(2)) else { continue }
            let validation = message.contains("val_loss") || message.contains("val_bpb")
            out.steps.append(StampedStep(line: line.number, stamp: stamp, trainTimeMs: ms, validation: validation))
        }
        return out
    }

    /// `nan`, `inf`, `-inf`, `NaN`…: what Python prints for values that are not finite.
    static func notANumber(_ word: String) -> Bool {
        let w = word.lowercased().drop { $0 == "-" || $0 == "+" }
        return w.hasPrefix("nan") || w.hasPrefix("inf")
    }

    /// `1795564352.930584 message` → (stamp, message); a line without a stamp is all message.
    static func splitStamp(_ text: String) -> (Double?, Substring) {
        guard let space = text.firstIndex(of: " ") else { return (nil, text[...]) }
        let head = text[..<space]
        guard head.count >= 11, head.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), head.contains("."),
              let stamp = Double(head) else { return (nil, text[...]) }
        return (stamp, text[text.index(after: space)...])
    }

    /// The word after `key:` or `key=` (up to a space or comma), when `key` starts a word.
    static func value(after key: String, in message: Substring) -> String? {
        var search = message.startIndex
        while let range = message.range(of: key, range: search..<message.endIndex) {
            search = range.upperBound
            if range.lowerBound > message.startIndex {
                let before = message[message.index(before: range.lowerBound)]
                guard before == " " || before == "\t" || before == "(" || before == "," || before == "[" else { continue }
            }
            guard range.upperBound < message.endIndex, message[range.upperBound] == ":" || message[range.upperBound] == "=" else { continue }
            var start = message.index(after: range.upperBound)
            while start < message.endIndex, message[start] == " " { start = message.index(after: start) }
            let end = message[start...].firstIndex { $0 == " " || $0 == "," || $0 == "\t" || $0 == ")" } ?? message.endIndex
            let word = String(message[start..<end])
            return word.isEmpty ? nil : word
        }
        return nil
    }
}
