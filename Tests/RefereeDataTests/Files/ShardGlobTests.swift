import Foundation
import RefereeTestSupport
import Testing
@testable import RefereeData

@Suite struct ShardGlobTests {
    @Test func expandsAndSortsLikeTheShell() throws {
        let dir = try TestPaths.tempDir("glob")
        for name in ["fineweb_val_000010.bin", "fineweb_val_000002.bin", "fineweb_train_000000.bin", "fineweb_val_000001.bin"] {
            try Data().write(to: dir.appendingPathComponent(name))
        }
        let urls = try ShardGlob.expand(dir.path + "/fineweb_val_*.bin")
        #expect(urls.map(\.lastPathComponent) == ["fineweb_val_000001.bin", "fineweb_val_000002.bin", "fineweb_val_000010.bin"])
        let single = try ShardGlob.expand(dir.path + "/fineweb_train_000000.bin")
        #expect(single.map(\.lastPathComponent) == ["fineweb_train_000000.bin"])
    }

    @Test func noMatchNamesThePattern() throws {
        let pattern = try TestPaths.tempDir("glob").path + "/fineweb_val_*.bin"
        #expect {
            _ = try ShardGlob.expand(pattern)
        } throws: { error in
            guard case DataError.unreadable(let path, let reason) = error else { return false }
            return path == pattern && reason.contains("no file matches")
        }
    }
}
