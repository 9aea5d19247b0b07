import Foundation

/// Lists the files of a record folder for the "Included files" tables.
package enum RecordFileList {
    /// Regular files under `dir`, relative (`/`-separated) and sorted by path. Generated outputs
    /// (README.md, submission.json, everything under `plotsFolder`) and hidden files are left
    /// out, so that writing them does not change the next run's output.
    package static func list(_ dir: URL, excludingFolder plotsFolder: String = "plots") throws(ReportError) -> [IncludedFile] {
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
