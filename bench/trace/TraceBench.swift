// Stand-alone harness for the trace-analysis benchmark (bench/trace/bench.sh builds it against
// RefereeCore + RefereeCrypto + RefereeTrace). `tracebench DIR` runs TraceAnalyzer.analyse on DIR
// and prints the TraceFacts as sorted JSON (to compare two builds) and, on stderr, the events
// per second of the analysis alone.
import Foundation
import RefereeTrace

guard CommandLine.arguments.count == 2 else {
    FileHandle.standardError.write("usage: tracebench DIR\n".data(using: .utf8)!)
    exit(2)
}
let start = Date()
let facts = try TraceAnalyzer.analyse(directory: URL(fileURLWithPath: CommandLine.arguments[1]))
let seconds = Date().timeIntervalSince(start)
let encoder = JSONEncoder()
encoder.outputFormatting = [.sortedKeys]
FileHandle.standardOutput.write(try encoder.encode(facts))
print("")
FileHandle.standardError.write(String(format: "%d lines in %.3f s: %.2f M lines/s\n", facts.lineCount, seconds,
                                      Double(facts.lineCount) / seconds / 1e6).data(using: .utf8)!)
