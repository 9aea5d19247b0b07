import Foundation
import Testing
import RefereeCore

@Suite struct JSONValueTests {
    func parse(_ text: String) -> Result<JSONValue, JSONParseFailure> { JSONValue.parse(Data(text.utf8)) }

    @Test func keepsTypesApart() throws {
        let v = try parse("{\"b\": true, \"n\": 1, \"s\": \"1\", \"z\": null, \"a\": [1.5]}").get()
        #expect(v == .object(["b": .bool(true), "n": .int(1), "s": .string("1"), "z": .null, "a": .array([.double(1.5)])]))
        #expect(JSONValue.int(3).integer == 3 && JSONValue.double(3).integer == 3 && JSONValue.double(1.5).integer == nil)
        #expect(JSONValue.string("1").number == nil && JSONValue.bool(true).number == nil)
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
