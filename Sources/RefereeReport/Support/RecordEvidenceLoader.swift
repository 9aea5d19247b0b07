import Foundation
import RefereeAudit
import RefereeLogs

/// Builds ``RecordEvidence`` from a record folder on disk and its audit.
public enum RecordEvidenceLoader {
    /// Reads the logs the audit's runs came from (for their curves) and lists the folder's
    /// files. Generated outputs (README.md, submission.json, the plots folder) and hidden files
    /// are left out of the list so that re-running gives the same bytes.
    public static func load(recordDir: URL, audit: RecordAudit, plotsFolder: String = "plots") throws(ReportError) -> RecordEvidence {
        let files = try listFiles(recordDir, excludingFolder: plotsFolder)
        var logs: [LogFile] = []
        var seen = Set<String>()
        let reader = LogReader()
        for run in audit.runs where !seen.contains(run.file) {
            seen.insert(run.file)
            let candidates = [recordDir.appendingPathComponent(run.file), URL(fileURLWithPath: run.file)]
            guard let url = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else { continue }
            do {
                logs.append(try reader.read(url, displayPath: run.file))
            } catch {
                throw ReportError.io(path: url.path, reason: "cannot read log for its training curve: \(error)")
            }
        }
        return RecordEvidence(audit: audit, logs: logs, files: files, folderName: recordDir.standardizedFileURL.lastPathComponent)
    }

    /// Regular files under `dir`, relative and sorted, without generated outputs.
    static func listFiles(_ dir: URL, excludingFolder plotsFolder: String) throws(ReportError) -> [IncludedFile] {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else {
            throw ReportError.io(path: dir.path, reason: "not a record folder (expected a directory holding train logs)")
        }
        guard let walker = fm.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey]) else {
            throw ReportError.io(path: dir.path, reason: "cannot list the folder")
        }
        let rootPath = dir.standardizedFileURL.resolvingSymlinksInPath().path
        var out: [IncludedFile] = []
        for case let url as URL in walker {
            let full = url.standardizedFileURL.resolvingSymlinksInPath().path
            guard full.hasPrefix(rootPath + "/") else { continue }
            let rel = String(full.dropFirst(rootPath.count + 1))
            if rel.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            if RecordPage.generatedFiles.contains(rel) || rel.hasPrefix(plotsFolder + "/") { continue }
            let values = try? url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey])
            guard values?.isRegularFile == true else { continue }
            out.append(IncludedFile(path: rel, bytes: values?.fileSize ?? 0))
        }
        return out.sorted { $0.path < $1.path }
    }
}
