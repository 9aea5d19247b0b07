import Foundation
import RefereeSandbox

/// Where things are inside a seed's sandbox. The paths are the same for every run and every
/// probe, so a submission learns nothing from them.
///
/// - `/tmp/referee/work`: the working folder (the only writable host folder; the cwd), with the
///   record's code files bound read-only inside it;
/// - `/tmp/referee/traces`: the trace folder (`REFEREE_TRACE_DIR`), writable;
/// - `/tmp/referee/data`: the data folder, read-only; `/tmp/referee/tokenizer/<name>`: the
///   tokenizer, read-only; `/tmp/referee/python`: Referee's python helpers, read-only;
/// - the record folder and the staging folder: hidden; everything else: read-only; `/tmp` and
///   `/dev/shm`: private tmpfs.
public struct SandboxLayout: Sendable {
    public static let root = "/tmp/referee"
    public static let work = root + "/work"
    public static let traces = root + "/traces"
    public static let data = root + "/data"
    public static let tokenizerDir = root + "/tokenizer"
    public static let python = root + "/python"
    /// Where Referee's start-up hook writes the lists of imported modules (`REFEREE_IMPORTS_OUT`).
    public static let meta = root + "/meta"
    public static let home = "/tmp"

    /// The host folders and files of one seed.
    public var work: URL
    public var traces: URL
    public var meta: URL
    public var codeFiles: [URL]
    public var data: URL?
    public var tokenizer: URL?
    public var pythonDir: URL?
    /// Host folders the submission must not see (the record, the staging folder).
    public var hidden: [URL]

    /// The tokenizer's path inside the sandbox.
    public var tokenizerInside: String? { tokenizer.map { Self.tokenizerDir + "/" + $0.lastPathComponent } }

    public func policy(isolateNetwork: Bool) -> SandboxPolicy {
        var mounts: [SandboxMount] = hidden.map { .hidden(target: $0.path) }
        mounts += SandboxPolicy.privateScratch
        mounts.append(.writable(source: work.path, target: Self.work))
        for file in codeFiles { mounts.append(.readOnly(source: file.path, target: Self.work + "/" + file.lastPathComponent)) }
        mounts.append(.writable(source: traces.path, target: Self.traces))
        mounts.append(.writable(source: meta.path, target: Self.meta))
        if let data { mounts.append(.readOnly(source: data.path, target: Self.data)) }
        if let tokenizer, let inside = tokenizerInside { mounts.append(.readOnly(source: tokenizer.path, target: inside)) }
        if let pythonDir { mounts.append(.readOnly(source: pythonDir.path, target: Self.python)) }
        return SandboxPolicy(isolateNetwork: isolateNetwork, readOnlyRoot: true, mounts: mounts)
    }
}
