import Foundation
import RefereeCrypto

/// Checks a statement's subjects against the record folder: safe paths, nothing resolving
/// outside, every subject present with its digest, no unlisted file.
struct SubjectCheck {
    var record: URL
    var subjects: [Subject]

    func run() throws(VerificationFailure) {
        let rootPath = record.path
        let rootReal = RecordFiles.realPath(rootPath) ?? rootPath
        try checkPaths()
        // Listed first (its error is reported where it was before): a subject the walk reached
        // as a regular file through real directories resolves to itself inside the folder, so
        // `realpath` (an lstat per path component) is needed only for the others.
        let scanned: Result<[RecordEntry], BundleError>
        do {
            scanned = .success(try RecordFiles.scan(record))
        } catch {
            scanned = .failure(error)
        }
        var regular: Set<String> = []
        if case .success(let entries) = scanned {
            for entry in entries where entry.kind == .regular { regular.insert(entry.path) }
        }
        var missing: [Subject] = []
        var present: [Subject] = []
        for subject in subjects {
            if regular.contains(subject.name) {
                present.append(subject)
                continue
            }
            guard let resolution = SubjectPath.resolve(subject.name, rootPath: rootPath, rootReal: rootReal) else {
                missing.append(subject)
                continue
            }
            guard resolution.inside else {
                throw .subjectOutsideFolder(path: subject.name, resolved: resolution.resolved)
            }
            present.append(subject)
        }
        let entries: [RecordEntry]
        switch scanned {
        case .success(let listed):
            entries = listed
        case .failure(let error):
            throw .subjectMissing(path: "(record folder unreadable: \(error.description))")
        }
        // Names compare as bytes: Swift `String` equality is canonical equivalence, under which
        // an unsigned NFD `café.txt` beside the signed NFC one would count as listed.
        let names = Set(subjects.map { Array($0.name.utf8) })
        let extras = entries.filter { !names.contains(Array($0.path.utf8)) }
        if let gone = missing.first {
            let renamedTo = extras.first { entry in
                entry.kind == .regular && (try? SHA256.hex(filePath: RecordFiles.join(rootPath, entry.path))) == gone.sha256
            }
            if let renamedTo { throw .subjectRenamed(from: gone.name, to: renamedTo.path) }
            throw .subjectMissing(path: gone.name)
        }
        var hasher = RecordHasher(rootPath: rootPath)
        for subject in present {
            let signed = subject.sha256 ?? ""
            let found: String
            do {
                found = try hasher.hex(subject.name)
            } catch {
                throw .digestMismatch(path: subject.name, signed: signed, found: "unreadable (\(error.description))")
            }
            if found != signed { throw .digestMismatch(path: subject.name, signed: signed, found: found) }
        }
        // A non-ASCII name is shown with its scalars escaped, so an NFD twin of a signed NFC
        // name does not read as the signed file.
        if let extra = extras.first {
            throw .unlistedFile(path: extra.path.unicodeScalars.allSatisfy(\.isASCII) ? extra.path : SubjectPath.escaped(extra.path))
        }
    }

    private func checkPaths() throws(VerificationFailure) {
        var seen: Set<[UInt8]> = []
        var equivalent: [String: String] = [:]
        for subject in subjects {
            if let problem = SubjectPath.problem(subject.name) {
                throw .unsafeSubjectPath(path: subject.name, reason: problem)
            }
            guard seen.insert(Array(subject.name.utf8)).inserted else {
                throw .unsafeSubjectPath(path: subject.name, reason: "listed twice")
            }
            // `String` keys merge canonically equivalent spellings (NFC/NFD): two such subjects
            // name what many file systems and tools take for one file.
            if let other = equivalent.updateValue(subject.name, forKey: subject.name) {
                throw .unsafeSubjectPath(path: subject.name, reason: "Unicode-equivalent to another subject (\(SubjectPath.escaped(other))): names must differ by more than normalisation")
            }
            guard let digest = subject.sha256, digest.utf8.count == 64,
                  digest.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
                throw .malformedDigest(path: subject.name)
            }
        }
    }
}
