import Foundation
import Testing
import RefereeTestSupport

/// Types that once existed twice (issue 14) are defined once at top level in the whole tree
/// (a nested reader-side mirror such as `MeasuredRecord.FileDigest` is another type).
@Suite struct SingleDefinitionTests {
    /// Every `.swift` file under Sources and Tests, as text.
    static let files: [(String, String)] = {
        var out: [(String, String)] = []
        for folder in ["Sources", "Tests"] {
            let root = TestPaths.repoRoot.appendingPathComponent(folder)
            let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
            while let url = walker?.nextObject() as? URL {
                guard url.pathExtension == "swift", let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
                out.append((String(url.path.dropFirst(TestPaths.repoRoot.path.count + 1)), text))
            }
        }
        return out
    }()

    @Test(arguments: [
        ("JSONValue", "Sources/RefereeCore/JSONValue.swift"),
        ("SplitMix64", "Sources/RefereeCore/SplitMix64.swift"),
        ("FileDigest", "Sources/RefereeRunner/Record/FileDigest.swift"),
        ("XMLEscape", "Sources/RefereeReport/Support/XMLEscape.swift"),
    ])
    func definedOnce(name: String, home: String) {
        let pattern = try! NSRegularExpression(pattern: "^(public |package |private |fileprivate |internal )?(indirect )?(struct|enum|class|actor) \(name)\\b", options: [.anchorsMatchLines])
        let definers = Self.files.filter { _, text in pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil }.map(\.0)
        #expect(definers == [home], "\(name) is defined in \(definers)")
    }

    /// One XML escaping implementation: only XMLEscape writes `&amp;`.
    @Test func oneXMLEscaper() {
        let writers = Self.files.filter { path, text in path.hasPrefix("Sources/") && text.contains("\"&amp;\"") }.map(\.0)
        #expect(writers == ["Sources/RefereeReport/Support/XMLEscape.swift"], "\(writers)")
    }
}
