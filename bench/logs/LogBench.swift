// Stand-alone harness for the log-reading benchmark (bench/logs/bench.sh builds it against
// RefereeCore + RefereeLogs). `logbench scores FILE` reads FILE with LogReader and prints one
// `seed val_bpb` line per run (the same lines as bench/logs/final_scores.py); `logbench dump FILE`
// prints the whole parsed LogFile as JSON (to compare two builds of the reader); `logbench stream
// FILE` reads FILE with LogReader.read(_:eachRun:), keeping no run, and prints the run count.
import Foundation
import RefereeLogs

let args = CommandLine.arguments
guard args.count >= 3 else {
    FileHandle.standardError.write("usage: logbench scores|dump FILE...\n".data(using: .utf8)!)
    exit(2)
}
let encoder = JSONEncoder()
encoder.outputFormatting = [.sortedKeys]
for path in args[2...] where args[1] == "stream" {
    var runs = 0
    var last = "None"
    _ = try LogReader().read(URL(fileURLWithPath: path)) { run in
        runs += 1
        last = run.score.map { String($0.eval.valBPB) } ?? "None"
    }
    print("\(runs) runs, last score \(last)")
}
for path in args[2...] where args[1] != "stream" {
    let file = try LogReader().read(URL(fileURLWithPath: path))
    if args[1] == "dump" {
        FileHandle.standardOutput.write(try encoder.encode(file))
        print("")
    } else {
        var out = ""
        for run in file.runs {
            out += "\(run.seed.map(String.init) ?? "None") \(run.score.map { String(format: "%.\($0.eval.decimals)f", $0.eval.valBPB) } ?? "None")\n"
        }
        print(out, terminator: "")
    }
}
