// Stand-alone harness for the trace-analysis benchmark (bench/trace/bench.sh builds it against
// RefereeCore + RefereeCrypto + RefereeTrace). `tracebench DIR` runs TraceAnalyzer.analyse on DIR
// and prints the TraceFacts as sorted JSON (to compare two builds) and, on stderr, the events
// per second of the analysis alone: per wall second and per CPU second of the process
// (CLOCK_PROCESS_CPUTIME_ID; on a loaded machine the CPU figure is the one to read).
import Foundation
import RefereeTrace

guard CommandLine.arguments.count == 2 else {
    FileHandle.standardError.write("usage: tracebench DIR\n".data(using: .utf8)!)
    exit(2)
}
func cpuSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}
let start = Date()
let cpuStart = cpuSeconds()
let facts = try TraceAnalyzer.analyse(directory: URL(fileURLWithPath: CommandLine.arguments[1]))
let seconds = Date().timeIntervalSince(start)
let cpu = cpuSeconds() - cpuStart
let encoder = JSONEncoder()
encoder.outputFormatting = [.sortedKeys]
FileHandle.standardOutput.write(try encoder.encode(facts))
print("")
FileHandle.standardError.write(String(format: "%d lines in %.3f s wall, %.3f s CPU: %.2f M lines/s wall, %.2f M lines/s CPU\n",
                                      facts.lineCount, seconds, cpu, Double(facts.lineCount) / seconds / 1e6,
                                      Double(facts.lineCount) / cpu / 1e6).data(using: .utf8)!)
