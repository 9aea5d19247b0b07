import Foundation
import RefereeCore

/// Writes generated files atomically (``AtomicFile``), creating folders as needed.
package enum ReportFileWriter {
    /// Writes `text` to `url`; a failure leaves any old file untouched.
    package static func write(_ text: String, to url: URL) throws(ReportError) {
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw ReportError.io(path: url.deletingLastPathComponent().path, reason: "cannot create folder: \(error.localizedDescription)")
        }
        do {
            try AtomicFile.write(text, to: url)
        } catch {
            throw ReportError.io(path: url.path, reason: error.description)
        }
    }

    /// Writes submission.json, README.md and the SVG plots of `page` into `folder`; returns the
    /// paths written, relative to `folder`, in the order written.
    @discardableResult
    package static func writeSubmission(_ page: RecordPage, to folder: URL) throws(ReportError) -> [String] {
        var written: [String] = []
        for plot in page.plots() {
            let rel = "\(page.plotsFolder)/\(plot.name)"
            try write(plot.svg, to: folder.appendingPathComponent(rel))
            written.append(rel)
        }
        let json = try page.document.encoded()
        try write(String(decoding: json, as: UTF8.self), to: folder.appendingPathComponent("submission.json"))
        written.append("submission.json")
        try write(ReadmeWriter.render(page), to: folder.appendingPathComponent("README.md"))
        written.append("README.md")
        return written
    }
}
