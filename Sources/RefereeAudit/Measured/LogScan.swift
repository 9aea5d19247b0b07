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
        guard var reader = try? LineReader(url: url) else { return LogScan() }
        var builder = Builder()
        reader.forEachLine { builder.feed($0) }
        return builder.result
    }

    /// Builds a scan from the lines of a log fed in order (``LogReader`` feeds them during its
    /// own pass, so the file is read once). Each line gives exactly what the text path (the
    /// definition, ``feed(number:text:)``) gives for it: ASCII lines are read on bytes (for ASCII
    /// text every test of the text path is a byte test), other lines through the text path.
    package struct Builder {
        package private(set) var result = LogScan()

        package init() {}

        package mutating func feed(_ line: RawLine) {
            let b = line.bytes
            guard let base = b.baseAddress, !b.isEmpty else { return }  // no key in an empty line
            guard Self.isASCII(b) else {
                feed(number: line.number, text: String(validating: b, as: UTF8.self) ?? String(decoding: b, as: UTF8.self))
                return
            }
            let keys = Self.keys(b)
            let hasVal = keys.val
            guard hasVal || keys.trainTime else { return }
            // The stamp, as `splitStamp` reads it: the text before the first space, when it has
            // at least 11 bytes, all digits or '.', one of them a '.', and reads as a Double.
            var stamp: Double?
            var messageStart = 0
            if b[0] &- 0x30 <= 9 || b[0] == 0x2E, let space = memchr(base, 0x20, b.count) {
                let sp = base.distance(to: space.assumingMemoryBound(to: UInt8.self))
                let head = UnsafeBufferPointer(rebasing: b[0..<sp])
                if sp >= 11, head.allSatisfy({ $0 &- 0x30 <= 9 || $0 == 0x2E }), head.contains(0x2E),
                   let value = Self.plainNumber(b, 0, sp) ?? Double(String(decoding: head, as: UTF8.self)) {
                    stamp = value
                    messageStart = sp + 1
                }
            }
            let message = UnsafeBufferPointer(rebasing: b[messageStart...])
            if hasVal {
                for key in ["val_bpb", "val_loss"] {
                    if let word = Self.word(after: key, in: message), Self.notANumber(word), result.badNumbers.count < LogScan.maxBadNumbers {
                        result.badNumbers.append(BadNumber(line: line.number, key: key, text: String(decoding: word, as: UTF8.self)))
                    }
                }
            }
            guard Self.hasPrefix(message, "step:") || Self.hasPrefix(message, "stopping_early"), result.steps.count < LogScan.maxSteps,
                  let word = Self.word(after: "train_time", in: message), word.count >= 2, word[word.count - 2] == 0x6D, word[word.count - 1] == 0x73,
                  let ms = Self.plainNumber(word, 0, word.count - 2) ?? Double(String(decoding: word.dropLast(2), as: UTF8.self)) else { return }
            let validation = hasVal && (Self.find("val_loss", in: message, from: 0) != nil || Self.find("val_bpb", in: message, from: 0) != nil)
            result.steps.append(StampedStep(line: line.number, stamp: stamp, trainTimeMs: ms, validation: validation))
        }

        /// ``LogScan/value(after:in:)`` on the bytes of an ASCII line.
        static func word(after key: String, in b: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
            var key = key
            return key.withUTF8 { k -> UnsafeBufferPointer<UInt8>? in
                let n = b.count
                var from = 0
                while let at = find(k, in: b, from: from) {
                    from = at + k.count
                    if at > 0 {
                        let before = b[at - 1]
                        guard before == 0x20 || before == 0x09 || before == 0x28 || before == 0x2C || before == 0x5B else { continue }
                    }
                    guard at + k.count < n, b[at + k.count] == 0x3A || b[at + k.count] == 0x3D else { continue }
                    var start = at + k.count + 1
                    while start < n, b[start] == 0x20 { start += 1 }
                    var end = start
                    while end < n, b[end] != 0x20, b[end] != 0x2C, b[end] != 0x09, b[end] != 0x29 { end += 1 }
                    return end > start ? UnsafeBufferPointer(rebasing: b[start..<end]) : nil
                }
                return nil
            }
        }

        /// ``LogScan/notANumber(_:)`` on ASCII bytes.
        static func notANumber(_ word: UnsafeBufferPointer<UInt8>) -> Bool {
            var i = 0
            while i < word.count, word[i] == 0x2D || word[i] == 0x2B { i += 1 }
            guard word.count - i >= 3 else { return false }
            let a = word[i] | 0x20, b = word[i + 1] | 0x20, c = word[i + 2] | 0x20
            return (a == 0x6E && b == 0x61 && c == 0x6E) || (a == 0x69 && b == 0x6E && c == 0x66)
        }

        /// The text path: the definition of what a line contributes.
        mutating func feed(number: Int, text: String) {
            guard text.contains("train_time") || text.contains("val_bpb") || text.contains("val_loss") else { return }
            let (stamp, message) = LogScan.splitStamp(text)
            for key in ["val_bpb", "val_loss"] {
                if let word = LogScan.value(after: key, in: message), LogScan.notANumber(word), result.badNumbers.count < LogScan.maxBadNumbers {
                    result.badNumbers.append(BadNumber(line: number, key: key, text: word))
                }
            }
            guard message.hasPrefix("step:") || message.hasPrefix("stopping_early"), result.steps.count < LogScan.maxSteps,
                  let word = LogScan.value(after: "train_time", in: message), word.hasSuffix("ms"),
                  let ms = Double(word.dropLast(2)) else { return }
            let validation = message.contains("val_loss") || message.contains("val_bpb")
            result.steps.append(StampedStep(line: number, stamp: stamp, trainTimeMs: ms, validation: validation))
        }

        /// `D+` or `D+.D+` with at most 15 digits, exactly as `Double(text)` reads it; nil for
        /// any other text.
        static func plainNumber(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
            var mantissa: UInt64 = 0
            var digits = 0
            var fraction = -1
            var i = start
            while i < end {
                let c = b[i]
                if c == 0x2E, fraction < 0, digits > 0 {
                    fraction = 0
                } else if c &- 0x30 <= 9 {
                    mantissa = mantissa &* 10 &+ UInt64(c &- 0x30)
                    digits += 1
                    if fraction >= 0 { fraction += 1 }
                } else {
                    return nil
                }
                i += 1
            }
            guard digits > 0, digits <= 15, fraction != 0 else { return nil }
            var scale = 1.0
            for _ in 0..<max(fraction, 0) { scale *= 10 }  // 10^f ≤ 10^15: exact
            // Clinger's fast path: mantissa and scale exact, one correctly rounded division.
            return Double(mantissa) / scale
        }

        static func isASCII(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
            let raw = UnsafeRawPointer(b.baseAddress!)
            let n = b.count
            var acc: UInt64 = 0
            var i = 0
            while i + 8 <= n {
                acc |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                i += 8
            }
            while i < n {
                acc |= UInt64(b[i])
                i += 1
            }
            return acc & 0x8080_8080_8080_8080 == 0
        }

        /// Whether the line contains `val_bpb` or `val_loss`, and whether it contains
        /// `train_time`, anywhere: one pass over its `_` bytes, eight bytes at a time.
        static func keys(_ b: UnsafeBufferPointer<UInt8>) -> (val: Bool, trainTime: Bool) {
            let n = b.count
            guard let base = b.baseAddress else { return (false, false) }
            let raw = UnsafeRawPointer(base)
            var val = false
            var trainTime = false
            @inline(__always) func underscore(_ u: Int) {
                if u >= 3, base[u - 3] == 0x76, base[u - 2] == 0x61, base[u - 1] == 0x6C,  // val_
                   hasPrefix(b, "bpb", at: u + 1) || hasPrefix(b, "loss", at: u + 1) {
                    val = true
                } else if u >= 5, hasPrefix(b, "train_time", at: u - 5) {
                    trainTime = true
                }
            }
            var i = 0
            while i + 8 <= n {
                let x = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) ^ 0x5F5F_5F5F_5F5F_5F5F
                // High bit of each zero byte (an `_`), exactly: no borrow reaches a byte that
                // is not itself above a zero byte, and those are re-checked below.
                var mask = (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
                while mask != 0 {
                    let u = i + mask.trailingZeroBitCount >> 3
                    mask &= mask &- 1
                    if base[u] == 0x5F { underscore(u) }
                }
                i += 8
            }
            while i < n {
                if base[i] == 0x5F { underscore(i) }
                i += 1
            }
            return (val, trainTime)
        }

        static func hasPrefix(_ b: UnsafeBufferPointer<UInt8>, _ prefix: StaticString, at: Int = 0) -> Bool {
            let k = prefix.utf8CodeUnitCount
            guard at + k <= b.count else { return false }
            return memcmp(b.baseAddress! + at, prefix.utf8Start, k) == 0
        }

        /// First index ≥ `from` where `needle` starts.
        static func find(_ needle: StaticString, in b: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
            find(UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount), in: b, from: from)
        }

        static func find(_ needle: UnsafeBufferPointer<UInt8>, in b: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
            let k = needle.count
            let n = b.count
            guard k > 0, from >= 0, n - from >= k, let base = b.baseAddress, let nb = needle.baseAddress else { return nil }
            let first = Int32(nb[0])
            var i = from
            while i <= n - k {
                guard let hit = memchr(base + i, first, n - k - i + 1) else { return nil }
                let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if memcmp(base + at, nb, k) == 0 { return at }
                i = at + 1
            }
            return nil
        }
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
