import Foundation
import RefereeCore
import RefereeCrypto

/// The block lists of probes.json v2 that rule `data.heldout-gap` reads (`official.blocks`,
/// `heldout.blocks`; docs/protocol.md), decoded on their own so that the rule depends on nothing
/// else of the report. Every field is optional: a v1 report simply has none of them.
package struct ProbeBlocks: Decodable, Hashable, Sendable {
    package var version: Int?
    package var artifactSHA256: String?
    package var official: Evaluation?
    package var heldout: Evaluation?
    /// Why the file could not be read, when it could not.
    package var problem: String?

    package struct Evaluation: Decodable, Hashable, Sendable {
        package var targets: Int?
        package var blocks: [ScoreBlock]?
        /// The held-out folder it came from (`heldout.source`; null when none was given).
        package var source: String?
    }

    enum CodingKeys: String, CodingKey { case version, artifactSHA256 = "artifact_sha256", official, heldout }

    package init(version: Int? = nil, artifactSHA256: String? = nil, official: Evaluation? = nil, heldout: Evaluation? = nil, problem: String? = nil) {
        self.version = version
        self.artifactSHA256 = artifactSHA256
        self.official = official
        self.heldout = heldout
        self.problem = problem
    }

    /// `probes.json` at the top of `recordRoot`; nil when there is none.
    package static func load(recordRoot: URL) -> ProbeBlocks? {
        let url = recordRoot.appendingPathComponent("probes.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            return decode(try EvidenceFile.readAll(url))
        } catch {
            return ProbeBlocks(problem: "probes.json: cannot read (\(error))")
        }
    }

    /// ``load(recordRoot:)`` from the bytes of a record's snapshot (the bytes hashed).
    package static func load(snapshot: RecordSnapshot) -> ProbeBlocks? {
        guard snapshot.file("probes.json") != nil || snapshot.isFolder("probes.json") else { return nil }
        do {
            guard let data = try snapshot.contents(of: "probes.json") else {
                throw CoreError.io(path: snapshot.url(of: "probes.json").path, reason: "is a folder, not a regular file")
            }
            return decode(data)
        } catch {
            return ProbeBlocks(problem: "probes.json: cannot read (\(error))")
        }
    }

    /// The block lists of the bytes of a probes.json (duplicate keys refused).
    package static func decode(_ data: Data) -> ProbeBlocks {
        do {
            try StrictJSON.requireUnambiguous(data, path: "probes.json")
            return try JSONDecoder().decode(ProbeBlocks.self, from: data)
        } catch {
            return ProbeBlocks(problem: "probes.json: not a probe report with block lists (\(error))")
        }
    }
}
