import Foundation
import RefereeCore

extension RecordFolder {
    /// The two track folder names of the competition.
    package static let trackFolders = ["track_10min_16mb", "track_non_record_16mb"]

    /// Folders of a record written by `referee run` that hold the submission's own outputs
    /// (working directories, traces, plots): their files are listed in `allFiles` but are never
    /// taken as logs, scripts or tokenizers — the runner's timestamped `train_seed<SEED>.log` are
    /// the logs, and a submission's own log copies inside its working directory are not runs.
    package static let runnerOutputFolders = ["artifacts", "traces", "plots"]

    /// Classifies the files of a record folder (recursively; paths relative to `url`, sorted).
    ///
    /// Logs are `*.log` files and `*.txt` files whose start reads like a training log (a metric
    /// key such as `val_bpb`, `train_loss` or `step:`), wherever they sit (`logs/` included);
    /// README and other prose are not logs. The track comes from the parent folder name when it is
    /// a track folder, else from submission.json's `track`. A folder with no logs loads fine.
    /// Throws when `url` does not exist or is not a directory.
    package static func load(_ url: URL) throws(LogError) -> RecordFolder {
        let root = url.standardizedFileURL
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDir) else {
            throw LogError.unreadable(path: url.path, reason: "no such folder")
        }
        guard isDir.boolValue else {
            throw LogError.notEvidence(path: url.path, reason: "is a file, expected a record folder")
        }
        let all = try listFiles(root)
        return classify(root: root, files: all, isLog: { _, rel in looksLikeLog(root.appendingPathComponent(rel)) },
                        submissionBytes: { try? EvidenceFile.readAll(root.appendingPathComponent($0)) })
    }

    /// The folder of a ``RecordSnapshot``, classified as ``load(_:)`` classifies the folder on
    /// disk, without reading it again: the files are the snapshot's (refused entries throw as
    /// ``load(_:)`` throws for them), a `.txt` file is a log when the snapshot found it looks
    /// like one, and the track comes from the parent folder or the snapshot's submission.json.
    package static func load(snapshot: RecordSnapshot) throws(LogError) -> RecordFolder {
        let root = snapshot.root.standardizedFileURL
        var all: [String] = []
        all.reserveCapacity(snapshot.files.count)
        var seen: [String: String] = [:]
        for file in snapshot.files {
            if case .refused(let problem) = file.kind {
                throw LogError.notEvidence(path: root.path + "/" + file.path, reason: problem)
            }
            all.append(file.path)
        }
        // As ``listFiles(_:)``; two all-ASCII names are never equivalent.
        let ascii = snapshot.files.allSatisfy { $0.path.utf8.allSatisfy { $0 < 0x80 } }
        for file in snapshot.files where !ascii {
            if let other = seen.updateValue(file.path, forKey: file.path), Array(other.utf8) != Array(file.path.utf8) {
                throw LogError.notEvidence(path: root.path + "/" + file.path,
                    reason: "its name is Unicode-equivalent to \(other.debugDescription) (differs only by normalisation, NFC/NFD); rename or remove one")
            }
        }
        return classify(root: root, files: all, isLog: { index, _ in snapshot.files[index].looksLikeLog },
                        submissionBytes: { snapshot.file($0)?.bytes })
    }

    /// Sorts `files` (relative, sorted by bytes) into logs, scripts, tokenizers and
    /// submissions. `isLog` decides a `.txt` file (given its index in `files` and its path); `submissionBytes` gives the bytes of the
    /// submission file (nil when unreadable) for the track when the parent folder does not say.
    private static func classify(root: URL, files all: [String], isLog: (Int, String) -> Bool,
                                 submissionBytes: (String) -> Data?) -> RecordFolder {
        var logs: [String] = []
        var scripts: [String] = []
        var tokenizers: [String] = []
        var submissions: [String] = []
        for (index, rel) in all.enumerated() where !isRunnerOutput(rel) {
            switch auditRole(rel) {
            case .log: logs.append(rel)
            case .logCandidate: if isLog(index, rel) { logs.append(rel) }
            case .script: scripts.append(rel)
            case .tokenizer: tokenizers.append(rel)
            case .submission: submissions.append(rel)
            case nil: break
            }
        }
        let submission = submissions.first { $0 == "submission.json" } ?? submissions.first
        var track: String?
        let parent = root.deletingLastPathComponent().lastPathComponent
        if trackFolders.contains(parent) {
            track = parent
        } else if let submission, let data = submissionBytes(submission),
                  let claims = try? SubmissionClaims.parse(data, path: root.appendingPathComponent(submission).path) {
            track = claims.track.map(normalizedTrack)
        }
        return RecordFolder(root: root, track: track, logFiles: logs, submissionFile: submission,
                            scripts: scripts, tokenizers: tokenizers, allFiles: all)
    }

    /// What the audit takes a file for, by its path alone (nil: nothing it reads).
    package enum AuditRole: Hashable, Sendable {
        /// `*.log`.
        case log
        /// `*.txt` other than README: a log when its start reads like one (``looksLikeLog(_:)``).
        case logCandidate
        /// `*.py`.
        case script
        /// `*.model`.
        case tokenizer
        /// A top-level `submission*.json`.
        case submission
    }

    /// True for a path under one of ``runnerOutputFolders``: never a log, script or tokenizer.
    package static func isRunnerOutput(_ rel: String) -> Bool {
        // On the bytes: the folder names are ASCII with no canonically equivalent spelling, so
        // `hasPrefix` differs from a byte comparison only when a combining mark follows the
        // `/` (one Character with it): that rare case goes through `String`.
        var rel = rel
        let decided: Bool? = rel.withUTF8 { bytes in
            for folder in runnerOutputFolders {
                let n = folder.utf8.count
                guard bytes.count > n, bytes[n] == UInt8(ascii: "/"), zip(bytes, folder.utf8).allSatisfy({ $0 == $1 }) else { continue }
                return bytes.count > n + 1 && bytes[n + 1] >= 0x80 ? nil : true
            }
            return false
        }
        return decided ?? runnerOutputFolders.contains(where: { rel.hasPrefix($0 + "/") })
    }

    /// The role of `rel` (a path relative to the record, not under a runner output folder).
    ///
    /// Decided on the bytes, without Foundation: the extension is what `NSString`'s
    /// `pathExtension` of the last component gives (the bytes after its last `.`, none when
    /// that `.` starts the name), compared case-insensitively; README is a prefix of the
    /// lower-cased name (`String` semantics, also when a combining mark follows it).
    package static func auditRole(_ rel: String) -> AuditRole? {
        var rel = rel
        let (ext, readme): (UInt64, Bool?) = rel.withUTF8 { bytes in
            var nameStart = bytes.count
            while nameStart > 0, bytes[nameStart - 1] != UInt8(ascii: "/") { nameStart -= 1 }
            var dot = bytes.count
            while dot > nameStart, bytes[dot - 1] != UInt8(ascii: ".") { dot -= 1 }
            // No `.`, a leading `.` (a hidden name) or a trailing `.`: no extension.
            guard dot > nameStart + 1, dot < bytes.count, bytes.count - dot <= 5 else { return (0, nil) }
            var ext: UInt64 = 1  // a leading 1 keeps the length: "\0log" is not "log"
            for i in dot..<bytes.count {
                let b = bytes[i]
                guard b < 0x80 else { return (0, nil) }
                ext = ext << 8 | UInt64((0x41...0x5A).contains(b) ? b | 0x20 : b)
            }
            // "readme" as a prefix of ASCII characters (the first seven bytes ASCII: no
            // combining mark joins the sixth): decided here; otherwise through `String`.
            let name = UnsafeBufferPointer(rebasing: bytes[nameStart...])
            var readme: Bool? = nil
            if name.prefix(7).allSatisfy({ $0 < 0x80 }) {
                readme = name.count >= 6 && zip(name.prefix(6), "readme".utf8).allSatisfy { a, b in ((0x41...0x5A).contains(a) ? a | 0x20 : a) == b }
            }
            return (ext, readme)
        }
        switch ext {
        case 0x016C6F67: return .log                                   // log
        case 0x01747874:                                               // txt
            let isReadme = readme ?? ((rel as NSString).lastPathComponent.lowercased().hasPrefix("readme"))
            return isReadme ? nil : .logCandidate
        case 0x017079: return .script                                  // py
        case 0x016D6F64656C: return .tokenizer                         // model
        case 0x016A736F6E:                                             // json
            let name = (rel as NSString).lastPathComponent
            return name.lowercased().hasPrefix("submission") && !rel.contains("/") ? .submission : nil
        default: return nil
        }
    }

    /// ``auditRole(_:)`` through Foundation's path functions, as the folder was classified
    /// before: the tests check that both agree.
    package static func auditRoleThroughFoundation(_ rel: String) -> AuditRole? {
        let name = (rel as NSString).lastPathComponent
        let ext = (name as NSString).pathExtension.lowercased()
        let lower = name.lowercased()
        if ext == "log" { return .log }
        if ext == "txt" && !lower.hasPrefix("readme") { return .logCandidate }
        if ext == "py" { return .script }
        if ext == "model" { return .tokenizer }
        if ext == "json", lower.hasPrefix("submission"), !rel.contains("/") { return .submission }
        return nil
    }

    /// Maps submission.json track spellings (`10min_16mb`, `non-record-unlimited-compute-16mb`) to
    /// a track folder name; unknown spellings are kept as written.
    package static func normalizedTrack(_ raw: String) -> String {
        let l = raw.lowercased()
        if l.contains("non") && l.contains("record") { return "track_non_record_16mb" }
        if l.contains("10min") { return "track_10min_16mb" }
        return raw
    }

    /// Every regular file under `root` (symlinks to regular files inside the folder included,
    /// symlinked folders not followed), relative and sorted by bytes. Throws
    /// ``LogError/notEvidence(path:reason:)`` naming the entry when the folder holds a FIFO,
    /// socket or device, or a symlink that leaves the folder or reaches anything but a regular
    /// file or folder: a record is regular files only, and nothing in it is ever opened blindly.
    private static func listFiles(_ root: URL) throws(LogError) -> [String] {
        guard let rootReal = EvidenceFile.realPath(root.path) else {
            throw LogError.unreadable(path: root.path, reason: "cannot resolve the folder")
        }
        var files: [String] = []
        var pending: [String] = [""]
        while let relative = pending.popLast() {
            let dir = relative.isEmpty ? root.path : root.path + "/" + relative
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: dir)
            } catch {
                throw LogError.unreadable(path: dir, reason: "cannot list the folder")
            }
            for name in names {
                let rel = relative.isEmpty ? name : relative + "/" + name
                let full = root.path + "/" + rel
                if let problem = EvidenceFile.problem(atPath: full, insideRealRoot: rootReal) {
                    throw LogError.notEvidence(path: full, reason: problem)
                }
                var info = stat()
                guard lstat(full, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR: pending.append(rel)
                case S_IFREG: files.append(rel)
                case S_IFLNK:
                    var target = stat()
                    if stat(full, &target) == 0, (target.st_mode & S_IFMT) == S_IFREG { files.append(rel) }
                default: break
                }
            }
        }
        // Two names that differ only by Unicode normalisation (NFC/NFD `café.log`) are one
        // key wherever Swift compares Strings, and one file on macOS: refuse the ambiguity.
        var seen: [String: String] = [:]
        for rel in files {
            if let other = seen.updateValue(rel, forKey: rel), Array(other.utf8) != Array(rel.utf8) {
                throw LogError.notEvidence(path: root.path + "/" + rel,
                    reason: "its name is Unicode-equivalent to \(other.debugDescription) (differs only by normalisation, NFC/NFD); rename or remove one")
            }
        }
        return files.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// True when the first MiB of the file carries a training-log key.
    package static func looksLikeLog(_ url: URL) -> Bool {
        guard let h = try? EvidenceFile.openHandle(url) else { return false }
        defer { try? h.close() }
        guard let data = try? h.read(upToCount: 1 << 20) else { return false }
        return data.withUnsafeBytes { looksLikeLog(start: UnsafeRawBufferPointer(rebasing: $0.prefix(1 << 20))) }
    }

    /// ``looksLikeLog(_:)`` on the file's bytes: `bytes` is the file's start (only its first
    /// MiB is searched).
    package static func looksLikeLog(start raw: UnsafeRawBufferPointer) -> Bool {
        let needles = ["val_bpb", "train_loss", "val_loss", "step:", "train_time"]
        // A byte search of the raw bytes finds exactly what `String(decoding:).contains` (a
        // literal search, Foundation's default) finds for these ASCII needles, whatever else the
        // file holds: UTF-8 never encodes a non-ASCII character with a byte below 0x80, and the
        // U+FFFD repair of invalid bytes leaves every ASCII byte in place. No 1 MiB String.
        let raw = UnsafeRawBufferPointer(rebasing: raw.prefix(1 << 20))
        let scanner = LineScanner(borrowing: UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: UInt8.self), count: raw.count))
        return needles.contains { scanner.contains($0) }
    }
}
