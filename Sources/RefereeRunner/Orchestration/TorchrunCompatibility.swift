import Foundation

/// torchrun of PyTorch 1.13 (Debian's `python3-torch`, what CI installs) on Python ≥ 3.11
/// crashes before it starts a worker: `Std.from_str` (torch/distributed/elastic/multiprocessing/
/// api.py) turns the default `--redirects 0` / `--tee 0` into a `Std` member by iterating the
/// `IntFlag` class, and since Python 3.11 iterating a flag class yields only its canonical
/// one-bit members (`OUT`, `ERR`), never `NONE = 0` (nor `ALL = 3`): the value becomes `None`,
/// and `to_map(None, n)` fails with `AttributeError: 'NoneType' object has no attribute 'get'`.
/// `-r 1 -t 1` parses, but sends each worker's output through log files and prefixes every line
/// with its rank. A mapping that names only a local rank that does not exist (`9:0`) parses as
/// a dict, and `to_map` gives every real local rank `Std.NONE`: no redirection, no tee, output
/// exactly as with the defaults. Referee adds it only when the torchrun it will start has the
/// bug (asked once per run, through torchrun's own interpreter) and there are at most 9 local
/// ranks (the mapping's rank is one digit). PyTorch ≥ 2 parses `0` and never gets it.
package enum TorchrunCompatibility {
    /// torchrun arguments that stand for the defaults on a torchrun with the bug.
    package static let stdArguments = ["--redirects", "9:0", "--tee", "9:0"]

    /// What the probe prints on a torchrun with the bug.
    static let brokenMarker = "referee-std-from-str-broken"
    static let probe = """
        from torch.distributed.elastic.multiprocessing.api import Std
        print("\(brokenMarker)" if Std.from_str("0") is None else "ok")
        """

    /// The interpreter of a script (its `#!` line split on blanks), or nil when it has none.
    package static func interpreter(ofScript path: String) -> [String]? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 512)) ?? Data()
        guard head.starts(with: Data("#!".utf8)) else { return nil }
        let line = head.dropFirst(2).prefix { $0 != UInt8(ascii: "\n") }
        let words = String(decoding: line, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
        return words.isEmpty ? nil : words
    }

    /// Extra torchrun arguments for `nproc` local ranks: ``stdArguments`` when the torchrun found
    /// as `torchrun` on `environment`'s PATH parses no `--redirects 0` (the probe, run with its
    /// interpreter, says so), else none.
    package static func arguments(torchrun: String, nproc: Int, environment: [String: String], timeout: Double = 120) -> [String] {
        guard nproc <= 9,
              let path = PreflightCheck.findExecutable(torchrun, environment: environment),
              let interpreter = interpreter(ofScript: path) else { return [] }
        let result = CommandCapture.run(interpreter + ["-c", probe], timeout: timeout, environment: environment)
        return result.succeeded && result.output.contains(brokenMarker) ? stdArguments : []
    }
}
