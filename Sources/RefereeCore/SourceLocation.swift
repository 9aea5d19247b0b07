/// A place in an evidence file: the path as the user gave it (or relative to a record folder)
/// and a 1-based line number. `line == 0` means "the file as a whole".
public struct SourceLocation: Codable, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    public var description: String { line > 0 ? "\(file):\(line)" : file }
}
