import RefereeCore
import Foundation
import Testing
import RefereeCrypto
@testable import RefereeAudit

@Suite struct CodeCheckTests {
    let code = "import torch\nprint('hi')\n"

    func script(_ text: String, path: String = "rec/train_gpt.py") -> CommittedFile {
        let bytes = Array(text.utf8)
        return CommittedFile(path: path, bytes: bytes, sha256: SHA256.hex(Data(bytes)))
    }

    @Test func passesWhenTheEmbeddedSourceEqualsTheScript() {
        let ctx = Build.context([Build.log(Build.run(source: code))], scripts: [script(code)])
        let r = Build.check("evidence.code-matches-log", ctx)
        #expect(r.status == .pass)
        #expect(r.evidence.first?.location?.line == 2)
    }

    @Test func failsAndReportsTheByteDifference() {
        let edited = "import torch\nprint('hello')\n"
        let ctx = Build.context([Build.log(Build.run(source: code))], scripts: [script(edited)])
        let r = Build.check("evidence.code-matches-log", ctx)
        #expect(r.status == .fail)
        let detail = r.evidence.first?.detail ?? ""
        #expect(detail.contains("25 bytes vs 28 committed (-3)"), "\(detail)")
        #expect(detail.contains("first difference at byte 21 (script line 2)"), "\(detail)")
    }

    @Test func unverifiableWithoutScriptOrEmbeddedSource() {
        #expect(Build.check("evidence.code-matches-log", Build.context([Build.log(Build.run(source: code))])).status == .unverifiable)
        #expect(Build.check("evidence.code-matches-log", Build.context([Build.log(Build.run(source: nil))], scripts: [script(code)])).status == .unverifiable)
        let two = [script(code, path: "a.py"), script(code, path: "b.py")]
        #expect(Build.check("evidence.code-matches-log", Build.context([Build.log(Build.run(source: code))], scripts: two)).status == .unverifiable)
    }
}
