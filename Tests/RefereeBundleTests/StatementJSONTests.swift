import Foundation
import RefereeAudit
import RefereeCore
import Testing
@testable import RefereeBundle

/// The statement's direct encoder and decoder give the bytes and values of `JSONEncoder` /
/// `JSONDecoder`, and leave everything else to them.
@Suite struct StatementJSONTests {
    static func statement(names: [String]) -> InTotoStatement {
        let subjects = names.enumerated().map { Subject(name: $1, sha256: String(repeating: String($0 % 10), count: 64)) }
        var audit = SignedAudit(RecordAudit.handMade())
        audit.results[0].message = "quote \" backslash \\ slash / tab \t caf\u{e9} \u{2028}"
        let provenance = Provenance(run: .object(["seeds": .array([.int(42), .double(1.2243657)]), "a/b": .string("x\ny")]), environment: nil)
        return InTotoStatement(subject: subjects, predicate: RecordPredicate(tool: .init(name: "referee", version: "0.1.0"), provenance: provenance, audit: audit))
    }

    static let nameSets: [[String]] = [
        [],
        ["README.md", "a/b/c.txt", "train_seed42.log", "x y.bin", "~weird!@#$%^&*()=+[]{}|;:',<>?"],
        ["caf\u{e9}.txt", "plain.txt"],            // non-ASCII: falls back to JSONEncoder
        ["quote\".txt", "back\\slash", "tab\tname"],  // escapes: falls back
    ]

    @Test(arguments: nameSets)
    func encodesTheBytesOfJSONEncoder(names: [String]) throws {
        let statement = Self.statement(names: names)
        let direct = try StatementJSON.encode(statement)
        #expect(direct == (try CanonicalJSON.encode(statement, pretty: false)))
        let decoded = try JSONDecoder().decode(InTotoStatement.self, from: direct)
        if let fast = StatementJSON.decodeCanonical(direct) {
            #expect(fast == decoded)
        } else {
            // Only statements with strings that need escaping leave the direct reader.
            #expect(!names.allSatisfy(StatementJSON.isPlain))
        }
    }

    @Test func plainStatementIsReadDirectly() throws {
        let statement = Self.statement(names: Self.nameSets[1])
        let bytes = try StatementJSON.encode(statement)
        #expect(StatementJSON.decodeCanonical(bytes) == statement)
    }

    /// Anything but the canonical shape goes to the general path (which reports it).
    @Test func nonCanonicalPayloadsAreLeftToTheGeneralPath() throws {
        let canonical = String(decoding: try StatementJSON.encode(Self.statement(names: ["a.txt", "b.txt"])), as: UTF8.self)
        let variants = [
            canonical.replacingOccurrences(of: #""subject":["#, with: #""subject": ["#),
            canonical.replacingOccurrences(of: #"{"digest":{"sha256":"0"#, with: #"{"digest":{"sha256":"0","md5":"x"},"x":{"sha256":"0"#),
            canonical.replacingOccurrences(of: #""predicate":{"audit":"#, with: #""predicate":{"tool":1,"audit":"#),  // duplicate key
            canonical + " ",
            canonical.replacingOccurrences(of: #","name":"a.txt"}"#, with: #","name":"a.txt","name":"evil.txt"}"#),
            String(canonical.dropLast()),
        ]
        for variant in variants {
            #expect(StatementJSON.decodeCanonical(Data(variant.utf8)) == nil, "\(variant.prefix(80))")
        }
    }
}
