import Foundation
import Testing
import RefereeTestSupport
@testable import RefereeData

@Suite struct ShardPrefixTests {
    @Test(arguments: [0, 1, 3, 5, 9])
    func prefixIsTheFirstTokens(limit: Int) throws {
        let dir = try TestPaths.tempDir("shard-prefix")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("fineweb_val_000000.bin")
        let tokens: [UInt16] = [1, 500, 65535, 7, 2]
        try ShardWriter.write(tokens, to: url)
        #expect(try ShardReader(url: url).readPrefix(limit) == Array(tokens.prefix(limit)))
    }
}
