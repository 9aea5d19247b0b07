import RefereeCore
import Testing
import RefereeAudit
@testable import RefereeReport

@Suite struct GateSummaryTests {
    static func passing() -> RecordAudit {
        HandBuiltRecord.audit(results: [RuleResult(id: "size.artifact-cap", status: .pass, message: "ok")])
    }

    static func failing() -> RecordAudit {
        HandBuiltRecord.audit(results: [
            RuleResult(id: "size.artifact-cap", status: .fail, message: "artifact 16,004,000 bytes > 16,000,000",
                       evidence: [Evidence("size", at: .init(file: "train.log", line: 88))]),
        ])
    }

    @Test func entryFailureRules() {
        #expect(!GateEntry(path: "a", audit: Self.passing()).fails(strict: true))
        #expect(GateEntry(path: "a", audit: Self.failing()).fails(strict: false))
        #expect(GateEntry(path: "a", audit: nil, error: "unreadable").fails(strict: false))
        #expect(GateEntry(path: "a", audit: Self.passing(), bundle: .invalid(reason: "bad signature")).fails(strict: false))
        let incomplete = HandBuiltRecord.audit(results: [RuleResult(id: "x", status: .unverifiable, message: "no traces")])
        #expect(!GateEntry(path: "a", audit: incomplete).fails(strict: false))
        #expect(GateEntry(path: "a", audit: incomplete).fails(strict: true))
    }

    @Test func summaryNamesFailedRulesWithLocations() {
        let md = GateSummary.markdown([GateEntry(path: "records/good", audit: Self.passing()),
                                       GateEntry(path: "records/bad", audit: Self.failing())], strict: false)
        #expect(md.hasPrefix("## ❌ Referee gate failed: 1 of 2 paths"))
        #expect(md.contains("### `records/bad`"))
        #expect(!md.contains("### `records/good`"))
        #expect(md.contains("- `size.artifact-cap` (error, fail): artifact 16,004,000 bytes > 16,000,000 (`train.log:88`)"))
    }

    @Test func allPassing() {
        let md = GateSummary.markdown([GateEntry(path: "records/good", audit: Self.passing())], strict: false)
        #expect(md.hasPrefix("## ✅ Referee gate passed"))
    }
}

@Suite struct GateEntryReportedAuditTests {
    @Test func unreadablePathBecomesAFailedJUnitCase() {
        let entry = GateEntry(path: "records/missing", audit: nil, error: "no such file or folder")
        let audit = entry.reportedAudit
        #expect(audit.verdict == .fail)
        let junit = JUnitReport.render([audit])
        #expect(junit.contains("<testcase classname=\"records/missing\" name=\"gate.audit\">"))
        #expect(junit.contains("failures=\"1\""))
    }

    @Test func bundleStatusIsACase() {
        let ok = GateEntry(path: "r", audit: GateSummaryTests.passing(), bundle: .verified(signer: "keyid 12ab"))
        #expect(ok.reportedAudit.results.last?.id == "bundle.verify")
        #expect(ok.reportedAudit.verdict == .pass)
        let bad = GateEntry(path: "r", audit: GateSummaryTests.passing(), bundle: .invalid(reason: "train.log digest differs"))
        #expect(bad.reportedAudit.verdict == .fail)
        #expect(GitHubAnnotations.render([bad.reportedAudit]).contains("::error"))
    }
}
