import Foundation
import RefereeCore
import RefereeCrypto

/// Checks a statement's subjects against the record folder: safe paths, nothing resolving
/// outside, every subject present with its digest, no unlisted file.
struct SubjectCheck {
    var record: URL
    var subjects: [Subject]

    /// Checks the subjects against a fresh read of the folder and returns that read (the
    /// snapshot the audit then runs on): every file read once, its digest compared here and
    /// its bytes audited, so that what is audited is what was checked.
    @discardableResult
    func run() throws(VerificationFailure) -> RecordSnapshot {
        try checkPaths()
        // Read first (its error is reported where it was before).
        let scanned: Result<RecordSnapshot, BundleError>
        do {
            scanned = .success(try RecordSnapshotReader.read(record))
        } catch {
            scanned = .failure(error)
        }
        return try run(scanned)
    }

    private func run(_ scanned: Result<RecordSnapshot, BundleError>) throws(VerificationFailure) -> RecordSnapshot {
        let rootPath = record.path
        let rootReal = RecordFiles.realPath(rootPath) ?? rootPath
        // A subject the walk reached as a regular file through real directories resolves to
        // itself inside the folder, so `realpath` (an lstat per path component) is needed only
        // for the others.
        let snapshot = try? scanned.get()
        // Each subject's index in the snapshot (bytes equal), nil when none: one merge when the
        // subjects are in byte order (as signed), else a binary search each.
        var located = [Int?](repeating: nil, count: subjects.count)
        if let snapshot {
            var cursor = 0
            var sorted = true
            for (k, subject) in subjects.enumerated() {
                if sorted, k > 0, RecordSnapshot.compare(subjects[k - 1].name, subject.name) >= 0 { sorted = false }
                guard sorted else {
                    located[k] = snapshot.index(of: subject.name)
                    continue
                }
                var order = 1
                while cursor < snapshot.files.count {
                    order = RecordSnapshot.compare(snapshot.files[cursor].path, subject.name)
                    if order >= 0 { break }
                    cursor += 1
                }
                if cursor < snapshot.files.count, order == 0 { located[k] = cursor }
            }
        }
        // With a non-ASCII name about, the regular files are matched as before, as `String`s
        // (canonical equivalence: the NFD twin of a subject counts as reached, and its
        // digest check then fails on the subject's own spelling); else by bytes, no hashing.
        let nonASCII = snapshot.map { $0.files.contains { !$0.path.utf8.allSatisfy { $0 < 0x80 } } } ?? false
        let regular: Set<String>? = nonASCII ? Set(snapshot!.files.lazy.filter { !$0.excluded && $0.kind == .regular }.map(\.path)) : nil
        var missing: [Subject] = []
        var present: [Subject] = []
        var presentIndex: [Int?] = []
        for (k, subject) in subjects.enumerated() {
            let reached = if let regular { regular.contains(subject.name) } else if let index = located[k] {
                !snapshot!.files[index].excluded && snapshot!.files[index].kind == .regular
            } else { false }
            if reached {
                present.append(subject)
                presentIndex.append(located[k])
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
            presentIndex.append(located[k])
        }
        let read: RecordSnapshot
        switch scanned {
        case .success(let snapshot):
            read = snapshot
        case .failure(let error):
            throw .subjectMissing(path: "(record folder unreadable: \(error.description))")
        }
        // Names compare as bytes (``RecordSnapshot/file(_:)``): Swift `String` equality is
        // canonical equivalence, under which an unsigned NFD `café.txt` beside the signed NFC
        // one would count as listed.
        var listed = [Bool](repeating: false, count: read.files.count)
        for index in located { if let index { listed[index] = true } }
        let extras = read.files.indices.lazy.filter { !listed[$0] && !read.files[$0].excluded }.map { read.files[$0] }
        if let gone = missing.first {
            let renamedTo = extras.first { file in file.kind == .regular && file.sha256 == gone.sha256 }
            if let renamedTo { throw .subjectRenamed(from: gone.name, to: renamedTo.path) }
            throw .subjectMissing(path: gone.name)
        }
        var hasher = RecordHasher(rootPath: rootPath)
        for (subject, index) in zip(present, presentIndex) {
            let signed = subject.sha256 ?? ""
            let found: String
            if let index, case let file = read.files[index], file.isFile, !file.excluded {
                // Hashed in the snapshot (a regular file, or a symlink to one inside).
                guard let digest = file.sha256 else {
                    throw .digestMismatch(path: subject.name, signed: signed, found: "unreadable (\(file.readError ?? "cannot read"))")
                }
                found = digest
            } else {
                // Reached through a symlinked folder: not read by the walk, hashed here.
                do {
                    found = try hasher.hex(subject.name)
                } catch {
                    throw .digestMismatch(path: subject.name, signed: signed, found: "unreadable (\(error.description))")
                }
            }
            if found != signed { throw .digestMismatch(path: subject.name, signed: signed, found: found) }
        }
        // A non-ASCII name is shown with its scalars escaped, so an NFD twin of a signed NFC
        // name does not read as the signed file.
        if let extra = extras.first {
            throw .unlistedFile(path: extra.path.unicodeScalars.allSatisfy(\.isASCII) ? extra.path : SubjectPath.escaped(extra.path))
        }
        return read
    }

    private func checkPaths() throws(VerificationFailure) {
        // Two all-ASCII names are never canonically equivalent, and names in strictly
        // increasing byte order (as signed) are never listed twice: the sets below are built
        // only when a name is not ASCII / the order breaks, with the same first failure.
        let allASCII = subjects.allSatisfy { $0.name.utf8.allSatisfy { $0 < 0x80 } }
        var seen: Set<[UInt8]>? = nil
        var equivalent: [String: String] = [:]
        for (index, subject) in subjects.enumerated() {
            if let problem = allASCII ? SubjectPath.asciiProblem(subject.name) : SubjectPath.problem(subject.name) {
                throw .unsafeSubjectPath(path: subject.name, reason: problem)
            }
            if seen == nil, index > 0, RecordSnapshot.compare(subjects[index - 1].name, subject.name) >= 0 {
                seen = Set(subjects[..<index].map { Array($0.name.utf8) })
            }
            if seen != nil {
                guard seen!.insert(Array(subject.name.utf8)).inserted else {
                    throw .unsafeSubjectPath(path: subject.name, reason: "listed twice")
                }
            }
            // `String` keys merge canonically equivalent spellings (NFC/NFD): two such subjects
            // name what many file systems and tools take for one file.
            if !allASCII, let other = equivalent.updateValue(subject.name, forKey: subject.name) {
                throw .unsafeSubjectPath(path: subject.name, reason: "Unicode-equivalent to another subject (\(SubjectPath.escaped(other))): names must differ by more than normalisation")
            }
            guard let digest = subject.sha256, digest.utf8.count == 64,
                  digest.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
                throw .malformedDigest(path: subject.name)
            }
        }
    }
}
