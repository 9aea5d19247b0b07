import Foundation
import RefereeCore

extension SubmissionClaims {
    /// Loads a record's submission.json, whatever schema it uses.
    ///
    /// Known fields: `name`, `author`, `github_id`, `date`, `track` (strings); `val_bpb`, `val_loss`
    /// (numbers); `bytes_total`, `bytes_code` (integers); per-seed claims from `seeds` (an array of
    /// seeds, or an object of seed → results) and `seed_results` (seed → `val_bpb`, `val_loss`,
    /// `artifact_bytes` or `bytes_total`). Other fields are ignored. Every field is optional, but a
    /// field of the wrong type (`"val_bpb": "abc"`) throws ``LogError/malformedJSON(path:line:expected:)``
    /// naming the field, as does text that is not a JSON object.
    package static func load(_ url: URL) throws(LogError) -> SubmissionClaims {
        let path = url.path
        let data: Data
        do {
            data = try EvidenceFile.readAll(url)
        } catch {
            if case .io(_, let reason) = error { throw LogError.unreadable(path: path, reason: reason) }
            throw LogError.unreadable(path: path, reason: error.description)
        }
        return try parse(data, path: path)
    }

    /// Parses the bytes of a submission.json (see ``load(_:)``); `path` names it in errors.
    package static func parse(_ data: Data, path: String) throws(LogError) -> SubmissionClaims {
        if let problem = StrictJSON.check(data) {
            throw LogError.malformedJSON(path: path, line: problem.line, expected: "unambiguous JSON (\(problem.message))")
        }
        let root: JSONValue
        switch JSONValue.parse(data) {
        case .success(let v): root = v
        case .failure(let f): throw LogError.malformedJSON(path: path, line: f.line, expected: "valid JSON (\(f.message))")
        }
        guard case .object(let obj) = root else {
            throw LogError.malformedJSON(path: path, line: 1, expected: "a JSON object at top level, found \(root.typeName)")
        }
        let text = String(decoding: data, as: UTF8.self)
        let reader = FieldReader(path: path, text: text)
        var claims = SubmissionClaims(path: path)
        claims.name = try reader.string(obj, "name")
        claims.author = try reader.string(obj, "author")
        claims.githubID = try reader.string(obj, "github_id")
        claims.date = try reader.string(obj, "date")
        claims.track = try reader.string(obj, "track")
        claims.valBPB = try reader.number(obj, "val_bpb")
        claims.valLoss = try reader.number(obj, "val_loss")
        claims.bytesTotal = try reader.integer(obj, "bytes_total")
        claims.bytesCode = try reader.integer(obj, "bytes_code")
        if let v = claims.valBPB { claims.valBPBDecimals = reader.decimals(ofKey: "val_bpb", value: v) }
        claims.seeds = try reader.seedClaims(obj)
        return claims
    }
}

/// Typed access to submission.json fields with errors that name the file, the line and the field.
struct FieldReader {
    let path: String
    let text: String

    func line(ofKey key: String) -> Int? {
        guard let r = text.range(of: "\"\(key)\"") else { return nil }
        return text[..<r.lowerBound].reduce(1) { $0 + ($1 == "\n" ? 1 : 0) }
    }

    func fail(_ key: String, _ expected: String, _ found: JSONValue) -> LogError {
        .malformedJSON(path: path, line: line(ofKey: key.split(separator: ".").last.map(String.init) ?? key),
                       expected: "`\(key)` to be \(expected), found \(found.typeName)")
    }

    func string(_ obj: [String: JSONValue], _ key: String, name: String? = nil) throws(LogError) -> String? {
        switch obj[key] {
        case nil, .null?: return nil
        case .string(let s)?: return s
        case let v?: throw fail(name ?? key, "a string", v)
        }
    }

    func number(_ obj: [String: JSONValue], _ key: String, name: String? = nil) throws(LogError) -> Double? {
        switch obj[key] {
        case nil, .null?: return nil
        case let v? where v.number != nil: return v.number
        case let v?: throw fail(name ?? key, "a number", v)
        }
    }

    func integer(_ obj: [String: JSONValue], _ key: String, name: String? = nil) throws(LogError) -> Int? {
        switch obj[key] {
        case nil, .null?: return nil
        case let v? where v.integer != nil: return v.integer
        case let v?: throw fail(name ?? key, "an integer", v)
        }
    }

    /// Decimal places of the `"key": number` occurrence whose value equals `value`, as written.
    func decimals(ofKey key: String, value: Double) -> Int? {
        var search = text.startIndex..<text.endIndex
        while let r = text.range(of: "\"\(key)\"", range: search) {
            search = r.upperBound..<text.endIndex
            var i = r.upperBound
            while i < text.endIndex, text[i] == " " || text[i] == "\t" || text[i] == "\n" || text[i] == "\r" { i = text.index(after: i) }
            guard i < text.endIndex, text[i] == ":" else { continue }
            i = text.index(after: i)
            while i < text.endIndex, text[i] == " " || text[i] == "\t" || text[i] == "\n" || text[i] == "\r" { i = text.index(after: i) }
            let numberText = text[i...].prefix { $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" || $0 == "e" || $0 == "E" }
            guard let v = Double(numberText), v == value else { continue }
            guard let dot = numberText.firstIndex(of: ".") else { return 0 }
            return numberText[numberText.index(after: dot)...].prefix { $0.isNumber }.count
        }
        return nil
    }

    /// A seed written as a number or a string, as text.
    func seedName(_ v: JSONValue, field: String) throws(LogError) -> String {
        switch v {
        case let v where v.integer != nil: return String(v.integer ?? 0)
        case .string(let s): return s
        default: throw fail(field, "a seed (an integer or a string)", v)
        }
    }

    /// Per-seed claims from `seeds` (array or object) and `seed_results` (object), merged by seed.
    func seedClaims(_ obj: [String: JSONValue]) throws(LogError) -> [SeedClaim] {
        var order: [String] = []
        var bySeed: [String: SeedClaim] = [:]
        func claim(_ seed: String) -> SeedClaim {
            if bySeed[seed] == nil { order.append(seed) }
            return bySeed[seed] ?? SeedClaim(seed: seed)
        }
        switch obj["seeds"] {
        case nil, .null?: break
        case .array(let items)?:
            for item in items { let s = try seedName(item, field: "seeds[]"); bySeed[s] = claim(s) }
        case .object(let results)?:
            for (seed, value) in results.sorted(by: { $0.key.localizedStandardCompare($1.key) == .orderedAscending }) {
                bySeed[seed] = try merged(claim(seed), value, field: "seeds.\(seed)")
            }
        case let v?: throw fail("seeds", "an array of seeds or an object of per-seed results", v)
        }
        switch obj["seed_results"] {
        case nil, .null?: break
        case .object(let results)?:
            for (seed, value) in results.sorted(by: { $0.key.localizedStandardCompare($1.key) == .orderedAscending }) {
                bySeed[seed] = try merged(claim(seed), value, field: "seed_results.\(seed)")
            }
        case let v?: throw fail("seed_results", "an object of per-seed results", v)
        }
        return order.compactMap { bySeed[$0] }
    }

    private func merged(_ base: SeedClaim, _ value: JSONValue, field: String) throws(LogError) -> SeedClaim {
        guard case .object(let o) = value else { throw fail(field, "an object of results", value) }
        var c = base
        c.valBPB = try number(o, "val_bpb", name: "\(field).val_bpb") ?? c.valBPB
        c.valLoss = try number(o, "val_loss", name: "\(field).val_loss") ?? c.valLoss
        let artifact = try integer(o, "artifact_bytes", name: "\(field).artifact_bytes")
        let total = try integer(o, "bytes_total", name: "\(field).bytes_total")
        c.artifactBytes = artifact ?? total ?? c.artifactBytes
        return c
    }
}
