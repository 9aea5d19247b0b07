/// A place in an evidence file: the path as the user gave it (or relative to a record folder)
/// and a 1-based line number. `line == 0` means "the file as a whole".
package struct SourceLocation: Codable, Hashable, Sendable, CustomStringConvertible {
    package var file: String
    package var line: Int

    package init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    package var description: String { line > 0 ? "\(file):\(line)" : file }
}
