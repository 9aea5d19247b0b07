import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Expands a shell-style pattern (`data/fineweb_val_*.bin`) into file paths.
package enum ShardGlob {
    /// The matching paths sorted by their bytes (so `…_000001.bin` comes before `…_000010.bin`
    /// whatever the locale). A pattern without wildcards matches itself when the file exists.
    ///
    /// - Throws: `DataError.unreadable` naming the pattern when nothing matches.
    package static func expand(_ pattern: String) throws(DataError) -> [URL] {
        var g = glob_t()
        defer { globfree(&g) }
        let rc = glob(pattern, 0, nil, &g)
        var paths: [String] = []
        if rc == 0 {
            for i in 0..<Int(g.gl_pathc) {
                if let p = g.gl_pathv[i] { paths.append(String(cString: p)) }
            }
        }
        guard !paths.isEmpty else {
            throw DataError.unreadable(path: pattern, reason: "no file matches this pattern (expected shards such as fineweb_val_000000.bin)")
        }
        paths.sort { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        return paths.map { URL(fileURLWithPath: $0) }
    }
}
