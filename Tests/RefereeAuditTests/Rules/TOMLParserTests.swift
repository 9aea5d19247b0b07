import Testing
@testable import RefereeAudit

@Suite struct TOMLParserTests {
    func parse(_ text: String) throws(AuditError) -> TOMLDocument {
        try TOMLParser(path: "r.toml").parse(text)
    }

    @Test func parsesScalarsArraysInlineTablesAndDottedKeys() throws {
        let doc = try parse("""
        # comment
        track = "t"   # trailing comment
        version = 'v1'
        [[rule]]
        id = "a.b"
        n = 16_000_000
        f = 1e-4
        g = -0.5
        yes = true
        list = ["x", "y # not a comment"]
        thresholds = { max = 600, tol = 0.25 }
        limits.max_bytes = 5
        limits.min = 1
        s = "q\\"\\u00e9\\n"
        [[rule]]
        id = "c.d"
        """)
        #expect(doc.root["track"] == .string("t"))
        #expect(doc.root["version"] == .string("v1"))
        let rules = try #require(doc.arrays["rule"])
        #expect(rules.count == 2)
        #expect(rules[0].line == 4)
        #expect(rules[0]["n"] == .integer(16_000_000))
        #expect(rules[0]["f"] == .float(1e-4))
        #expect(rules[0]["g"] == .float(-0.5))
        #expect(rules[0]["yes"] == .bool(true))
        #expect(rules[0]["list"] == .array([.string("x"), .string("y # not a comment")]))
        #expect(rules[0]["s"] == .string("q\"é\n"))
        guard case .table(let th)? = rules[0]["thresholds"], case .table(let limits)? = rules[0]["limits"] else {
            Issue.record("expected tables")
            return
        }
        #expect(th["max"] == .integer(600))
        #expect(th["tol"] == .float(0.25))
        #expect(limits["max_bytes"] == .integer(5))
        #expect(limits["min"] == .integer(1))
        #expect(limits.line(of: "min") == 13)
        #expect(rules[1]["id"] == .string("c.d"))
    }

    @Test(arguments: [
        ("a = 1\na = 2", 2, "set again"),
        ("a = \"open", 1, "closing '\"'"),
        ("a = 1 2", 1, "end of line"),
        ("[table]", 1, "[[name]]"),
        ("a = [1, 2", 1, "']'"),
        ("a = { x = 1", 1, "inline table"),
        ("x\n= 1", 1, "'='"),
        ("ok = 1\nb = nope", 2, "a value"),
        ("b = 1__0", 1, "'_' only between digits"),
        ("b = \"\\q\"", 1, "valid escape"),
        ("a.b = 1\na = 2", 2, "set again"),
        ("a = 1\na.b = 2", 2, "to be a table"),
        ("[[rule]\n", 1, "']]'"),
    ])
    func rejectsWithFileLineAndExpectation(text: String, line: Int, fragment: String) {
        do {
            _ = try parse(text)
            Issue.record("expected an error for \(text)")
        } catch {
            guard case .badRules(let path, let errLine, let expected) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(path == "r.toml")
            #expect(errLine == line)
            #expect(expected.contains(fragment), "\(expected)")
            #expect(error.description.hasPrefix("r.toml:\(line): "))
        }
    }
}
