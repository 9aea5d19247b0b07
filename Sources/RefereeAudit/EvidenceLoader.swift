import Foundation
import RefereeCore
import RefereeCrypto
import RefereeLogs
import RefereeTrace

/// Builds an ``AuditContext`` from raw evidence on disk: the log reader, submission.json,
/// SHA-256 of each log, committed scripts, traces and probes.
package struct EvidenceLoader: Sendable {
    package init() {}

    /// Reads a single log file, or every piece of evidence of a record folder.
    /// `displayPath` (default: `url.path`) prefixes every path reported in evidence.
    package func context(for url: URL, displayPath: String? = nil) throws(AuditError) -> AuditContext {
        let shown = displayPath ?? url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw AuditError.badEvidence(path: shown, reason: "no such file or folder (expected a log file or a record folder)")
        }
        if !isDirectory.boolValue {
            let (log, scan) = try readLog(url, shown: shown)
            return AuditContext(path: shown, folder: nil, logs: [log], claims: nil, logDigests: [shown: try digest(url, shown: shown)],
                                logScans: [shown: scan])
        }
        let folder: RecordFolder
        do {
            folder = try RecordFolder.load(url)
        } catch {
            throw AuditError.badEvidence(path: shown, reason: error.description)
        }
        func join(_ relative: String) -> String { (shown as NSString).appendingPathComponent(relative) }
        var logs: [LogFile] = []
        var digests: [String: String] = [:]
        var scans: [String: LogScan] = [:]
        for relative in folder.logFiles {
            let file = folder.root.appendingPathComponent(relative)
            let (log, scan) = try readLog(file, shown: join(relative))
            logs.append(log)
            digests[log.path] = try digest(file, shown: log.path)
            scans[log.path] = scan
        }
        var claims: SubmissionClaims? = nil
        if let relative = folder.submissionFile {
            do {
                var loaded = try SubmissionClaims.load(folder.root.appendingPathComponent(relative))
                loaded.path = join(relative)
                claims = loaded
            } catch {
                throw AuditError.badEvidence(path: join(relative), reason: Self.reason(error.description, path: join(relative)))
            }
        }
        var scripts: [CommittedFile] = []
        for relative in folder.scripts {
            let file = folder.root.appendingPathComponent(relative)
            let digest = try fileDigest(file, shown: join(relative))
            guard digest.byteCount <= UInt64(CommittedFile.maxKeptBytes) else {
                scripts.append(CommittedFile(path: join(relative), bytes: [], sha256: digest.hex, byteCount: Int(digest.byteCount)))
                continue
            }
            let data = try read(file, shown: join(relative))
            scripts.append(CommittedFile(path: join(relative), bytes: [UInt8](data), sha256: SHA256.hex(data)))
        }
        let measured = try MeasuredRecord.load(folder: url, shown: join)
        var context = AuditContext(
            path: shown, folder: folder, logs: logs, claims: claims, logDigests: digests,
            traces: TraceDiscovery.traces(in: url, documents: measured?.validationDocuments),
            probes: TraceDiscovery.probes(in: url),
            against: nil, scripts: scripts, measured: measured, logScans: scans
        )
        context.journal = try RunJournal.load(folder: url, shown: join)
        context.evaluations = TraceDiscovery.evaluations(in: url)
        context.probeBlocks = ProbeBlocks.load(recordRoot: url)
        return context
    }

    /// ``context(for:displayPath:)`` of a record folder read once into `snapshot` (sign and
    /// verify): the same evidence, read from the bytes hashed into the snapshot, never from
    /// the folder again. Logs, submission.json, scripts, run.json, environment.json, the
    /// journal, probes.json, evaluations and traces come from the snapshot's kept bytes; their
    /// digests are the snapshot's. An input too large to keep is read again and refused when
    /// its SHA-256 differs from the snapshot's (see ``RecordSnapshot``).
    package func context(snapshot: RecordSnapshot, displayPath: String? = nil) throws(AuditError) -> AuditContext {
        let url = snapshot.root
        let shown = displayPath ?? url.path
        let folder: RecordFolder
        do {
            folder = try RecordFolder.load(snapshot: snapshot)
        } catch {
            throw AuditError.badEvidence(path: shown, reason: error.description)
        }
        func join(_ relative: String) -> String { (shown as NSString).appendingPathComponent(relative) }
        var logs: [LogFile] = []
        var digests: [String: String] = [:]
        var scans: [String: LogScan] = [:]
        for relative in folder.logFiles {
            let (log, scan) = try readLog(relative, in: snapshot, shown: join(relative))
            logs.append(log)
            digests[log.path] = try snapshotDigest(relative, in: snapshot, shown: log.path).hex
            scans[log.path] = scan
        }
        var claims: SubmissionClaims? = nil
        if let relative = folder.submissionFile {
            let file = folder.root.appendingPathComponent(relative)
            func bytes() throws(LogError) -> Data {
                do {
                    return try snapshot.contents(of: relative) ?? Data()
                } catch {
                    if case .io(_, let reason) = error { throw LogError.unreadable(path: file.path, reason: reason) }
                    throw LogError.unreadable(path: file.path, reason: error.description)
                }
            }
            do {
                var loaded = try SubmissionClaims.parse(try bytes(), path: file.path)
                loaded.path = join(relative)
                claims = loaded
            } catch {
                throw AuditError.badEvidence(path: join(relative), reason: Self.reason(error.description, path: join(relative)))
            }
        }
        var scripts: [CommittedFile] = []
        for relative in folder.scripts {
            let digest = try snapshotDigest(relative, in: snapshot, shown: join(relative))
            guard digest.byteCount <= UInt64(CommittedFile.maxKeptBytes) else {
                scripts.append(CommittedFile(path: join(relative), bytes: [], sha256: digest.hex, byteCount: Int(digest.byteCount)))
                continue
            }
            let data: Data
            do {
                data = try snapshot.contents(of: relative, limit: CommittedFile.maxKeptBytes) ?? Data()
            } catch {
                throw AuditError.badEvidence(path: join(relative), reason: Self.reason(error.description, path: folder.root.appendingPathComponent(relative).path))
            }
            scripts.append(CommittedFile(path: join(relative), bytes: [UInt8](data), sha256: digest.hex))
        }
        let measured = try MeasuredRecord.load(snapshot: snapshot, shown: join)
        var context = AuditContext(
            path: shown, folder: folder, logs: logs, claims: claims, logDigests: digests,
            traces: TraceDiscovery.traces(in: snapshot, documents: measured?.validationDocuments),
            probes: TraceDiscovery.probes(in: snapshot),
            against: nil, scripts: scripts, measured: measured, logScans: scans
        )
        context.journal = try RunJournal.load(snapshot: snapshot, shown: join)
        context.evaluations = TraceDiscovery.evaluations(in: snapshot)
        context.probeBlocks = ProbeBlocks.load(snapshot: snapshot)
        return context
    }

    /// A log of the snapshot and its ``LogScan``, read in one pass over the bytes hashed.
    private func readLog(_ relative: String, in snapshot: RecordSnapshot, shown: String) throws(AuditError) -> (LogFile, LogScan) {
        var scan = LogScan.Builder()
        let url = snapshot.url(of: relative)
        guard let file = snapshot.file(relative) else {
            throw AuditError.badEvidence(path: shown, reason: "no such file")
        }
        do {
            if let bytes = file.bytes {
                let log = try LogReader().read(bytes: bytes, displayPath: shown, eachLine: { scan.feed($0) })
                return (log, scan.result)
            }
            if let problem = file.readError { throw LogError.unreadable(path: shown, reason: problem) }
            // Too large to keep: read again, hashed as it is read, checked against the snapshot.
            let hasher = try SHA256Hasher()
            let log = try LogReader().read(url, displayPath: shown, observer: { try? hasher.update($0) }, eachLine: { scan.feed($0) })
            try RecordSnapshot.requireSame(Hex.encode(try hasher.finalize()), file, path: shown)
            return (log, scan.result)
        } catch {
            throw AuditError.badEvidence(path: shown, reason: Self.reason(String(describing: error), path: shown))
        }
    }

    /// The snapshot's digest and size of `relative`.
    private func snapshotDigest(_ relative: String, in snapshot: RecordSnapshot, shown: String) throws(AuditError) -> FileHash {
        guard let file = snapshot.file(relative), let hex = file.sha256 else {
            let why = snapshot.file(relative)?.readError ?? "not in the record's snapshot"
            throw AuditError.badEvidence(path: shown, reason: "cannot read (\(Self.reason(why, path: snapshot.url(of: relative).path)))")
        }
        return FileHash(hex: hex, byteCount: file.size)
    }

    /// The per-seed scores of an earlier record: Referee's official scores when it has one for
    /// every seed (a record `referee run` made), else the distinct runs' logged scores.
    package func againstRecord(_ url: URL) throws(AuditError) -> AgainstRecord {
        let sample = try context(for: url).comparisonSample
        return AgainstRecord(path: url.path, valLosses: sample.valLosses, valBPBs: sample.valBPBs, official: sample.official)
    }

    /// The track a record folder declares (its parent folder or submission.json), normalised to a
    /// rule-file name; nil for a single log or when nothing says.
    package func track(of url: URL) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return nil
        }
        if let declared = try? RecordFolder.load(url).track, let track = Self.normaliseTrack(declared) {
            return track
        }
        return Self.normaliseTrack(url.standardizedFileURL.deletingLastPathComponent().lastPathComponent)
    }

    /// ``track(of:)`` for a path whose evidence is already loaded (`folder` is
    /// `AuditContext.folder`: nil for a single log), without reading the folder again.
    package func track(of url: URL, folder: RecordFolder?) -> String? {
        guard let folder else { return nil }
        if let declared = folder.track, let track = Self.normaliseTrack(declared) {
            return track
        }
        return Self.normaliseTrack(url.standardizedFileURL.deletingLastPathComponent().lastPathComponent)
    }

    /// Maps the spellings seen in records (`10min_16mb`, `non-record-unlimited-compute-16mb`,
    /// `track_non_record_16mb`) to rule-file names.
    package static func normaliseTrack(_ text: String) -> String? {
        let t = text.lowercased().replacingOccurrences(of: "-", with: "_")
        if t.contains("non_record") { return "track_non_record_16mb" }
        if t.contains("10min") { return "track_10min_16mb" }
        return nil
    }

    /// Reads a log and, in the same pass over its lines, its ``LogScan``.
    private func readLog(_ url: URL, shown: String) throws(AuditError) -> (LogFile, LogScan) {
        do {
            var scan = LogScan.Builder()
            let log = try LogReader().read(url, displayPath: shown, eachLine: { scan.feed($0) })
            return (log, scan.result)
        } catch {
            throw AuditError.badEvidence(path: shown, reason: Self.reason(error.description, path: shown))
        }
    }

    /// A log-reader message without its leading "path: " (the error names the path already).
    static func reason(_ message: String, path: String) -> String {
        message.hasPrefix(path + ": ") ? String(message.dropFirst(path.count + 2)) : message
    }

    private func read(_ url: URL, shown: String) throws(AuditError) -> Data {
        do {
            return try EvidenceFile.readAll(url, limit: CommittedFile.maxKeptBytes)
        } catch {
            throw AuditError.badEvidence(path: shown, reason: Self.reason(error.description, path: url.path))
        }
    }

    /// Streams the file through SHA-256 (a mapped read would page a 1 GB log into memory).
    private func digest(_ url: URL, shown: String) throws(AuditError) -> String {
        try fileDigest(url, shown: shown).hex
    }

    private func fileDigest(_ url: URL, shown: String) throws(AuditError) -> FileHash {
        do {
            return try FileHash(fileAt: url)
        } catch {
            throw AuditError.badEvidence(path: shown, reason: "cannot read (\(Self.reason(error.description, path: url.path)))")
        }
    }
}
