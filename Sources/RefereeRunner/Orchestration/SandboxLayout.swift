import Foundation
import RefereeSandbox

/// Where things are inside a seed's sandbox. The paths are the same for every run and every
/// probe, so a submission learns nothing from them.
///
/// - `/tmp/referee/work`: the working folder (the only writable host folder; the cwd), with the
///   record's code files bound read-only inside it;
/// - `/tmp/referee/traces`: the trace folder (`REFEREE_TRACE_DIR`), writable;
/// - `/tmp/referee/data`: the data folder, read-only (with `--training-validation decoy`, a
///   staging folder holding the decoy `fineweb_val_000000.bin` and the training shards, each
///   unchanged one bound over its placeholder; the real data folder and the held-out folder are
///   then in `hidden`); `/tmp/referee/tokenizer/<name>`: the
///   tokenizer, read-only; `/tmp/referee/python`: Referee's python helpers, read-only;
/// - the record folder and the staging folder: hidden; everything else: read-only; `/tmp` and
///   `/dev/shm`: private tmpfs.
package struct SandboxLayout: Sendable {
    package static let root = "/tmp/referee"
    package static let work = root + "/work"
    package static let traces = root + "/traces"
    package static let data = root + "/data"
    package static let tokenizerDir = root + "/tokenizer"
    package static let python = root + "/python"
    /// Where Referee's start-up hook writes the lists of imported modules (`REFEREE_IMPORTS_OUT`).
    package static let meta = root + "/meta"
    package static let home = "/tmp"

    /// The host folders and files of one seed.
    package var work: URL
    package var traces: URL
    package var meta: URL
    package var codeFiles: [URL]
    package var data: URL?
    /// Files bound read-only into the data folder under their own names, after it (the decoy
    /// folder's unchanged training shards, over their placeholders).
    package var dataFiles: [URL] = []
    package var tokenizer: URL?
    package var pythonDir: URL?
    /// Host folders the submission must not see (the record, the staging folder).
    package var hidden: [URL]

    /// The tokenizer's path inside the sandbox.
    package var tokenizerInside: String? { tokenizer.map { Self.tokenizerDir + "/" + $0.lastPathComponent } }

    package func policy(isolateNetwork: Bool) -> SandboxPolicy {
        var mounts: [SandboxMount] = hidden.map { .hidden(target: $0.path) }
        mounts += SandboxPolicy.privateScratch
        mounts.append(.writable(source: work.path, target: Self.work))
        for file in codeFiles { mounts.append(.readOnly(source: file.path, target: Self.work + "/" + file.lastPathComponent)) }
        mounts.append(.writable(source: traces.path, target: Self.traces))
        mounts.append(.writable(source: meta.path, target: Self.meta))
        if let data { mounts.append(.readOnly(source: data.path, target: Self.data)) }
        for file in dataFiles {
            mounts.append(.readOnly(source: file.resolvingSymlinksInPath().path, target: Self.data + "/" + file.lastPathComponent))
        }
        if let tokenizer, let inside = tokenizerInside { mounts.append(.readOnly(source: tokenizer.path, target: inside)) }
        if let pythonDir { mounts.append(.readOnly(source: pythonDir.path, target: Self.python)) }
        return SandboxPolicy(isolateNetwork: isolateNetwork, readOnlyRoot: true, mounts: mounts)
    }
}
