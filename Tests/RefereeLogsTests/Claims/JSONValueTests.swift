import Foundation
import Testing
@testable import RefereeLogs

@Suite struct JSONValueTests {
    func parse(_ text: String) -> Result<JSONValue, JSONParseFailure> { JSONValue.parse(Data(text.utf8)) }

    @Test func keepsTypesApart() throws {
        let v = try parse("{\"b\": true, \"n\": 1, \"s\": \"1\", \"z\": null, \"a\": [1.5]}").get()
        #expect(v == .object(["b": .bool(true), "n": .number(1), "s": .string("1"), "z": .null, "a": .array([.number(1.5)])]))
    }

    @Test("malformed JSON reports the line of the error", arguments: [
        ("{\n\"a\": 1,\n\"b\": ]\n}", 3),
        ("{\"a\": 1", 1),
    ])
    func errorLine(_ text: String, _ line: Int) {
        guard case .failure(let f) = parse(text) else {
            Issue.record("expected a failure")
            return
        }
        #expect(f.line == line)
        #expect(!f.message.isEmpty)
    }
}
