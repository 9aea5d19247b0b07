import Testing
@testable import RefereeLogs

@Suite struct SizeLineTests {
    @Test("size lines", arguments: [
        ("Code size: 47642 bytes", [SizeFact.code(47642)]),
        ("Code size (compressed): 28599 bytes", [.codeCompressed(28599)]),
        ("Serialized model: 67224983 bytes", []),
        ("Serialized model int8+zlib: 15815847 bytes (payload:17178912 raw_torch:17224025 payload_ratio:3.91x)", [.model(15815847)]),
        ("Total submission size: 67272625 bytes", [.unqualifiedTotal(67272625)]),
        ("Total submission size int8+zlib: 15863489 bytes", [.artifact(15863489)]),
        ("budget:15993853/16000000 (15.99/16.00MB) FITS", [.artifact(15993853)]),
        ("artifact:15.92MB ternary:64880640(14239486B) fp:2513744(2537376B) code:70853", [.artifactMB(15.92), .code(70853)]),
        ("Code size: many bytes", []),
    ])
    func parse(_ line: String, _ facts: [SizeFact]) {
        #expect(SizeFact.parse(LineScanner(line[...])) == facts)
    }
}
