import Foundation

/// Paths tests need: the repository root, committed fixtures, and the shared real samples.
package enum TestPaths {
    /// The repository root (the folder holding Package.swift), found from this file's path.
    package static let repoRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url
            }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// `Tests/Fixtures/<relative>`.
    package static func fixture(_ relative: String) -> URL {
        repoRoot.appendingPathComponent("Tests/Fixtures").appendingPathComponent(relative)
    }

    /// `../shared/samples/parameter-golf-records` beside the clone, nil when absent (tests that
    /// need it skip and say so).
    package static let samples: URL? = {
        let url = repoRoot.deletingLastPathComponent().appendingPathComponent("shared/samples/parameter-golf-records")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }()

    /// A fresh empty temporary directory.
    package static func tempDir(_ prefix: String = "referee") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
