import RefereeCore
import Foundation
import RefereeLogs

/// Chooses the date written into submission.json and the README, from evidence only, so that
/// re-running on unchanged evidence gives the same bytes. Never "now".
package enum RecordDate {
    /// Where a date came from.
    package enum Source: String, Codable, Sendable {
        case flag, logTimestamp = "log_timestamp", folderName = "folder_name"
    }

    /// In order: the `--date` flag (validated as `YYYY-MM-DD`), the latest unix timestamp in the
    /// logs (UTC day), then a `YYYY-MM-DD_` prefix of the record folder's name.
    /// Throws ``ReportError/noDate(folder:)`` when none exists, and
    /// ``ReportError/badDate(_:)`` for a malformed flag.
    package static func resolve(flag: String?, logs: [LogFile], folderName: String) throws(ReportError) -> (date: String, source: Source) {
        if let flag {
            guard isISODate(flag) else { throw ReportError.badDate(flag) }
            return (flag, .flag)
        }
        let latest = logs.flatMap(\.runs).compactMap(\.lastTimestamp).max()
        if let latest {
            return (utcDay(latest), .logTimestamp)
        }
        let prefix = String(folderName.prefix(10))
        if isISODate(prefix) {
            return (prefix, .folderName)
        }
        throw ReportError.noDate(folder: folderName)
    }

    /// `YYYY-MM-DD` of a unix time in UTC.
    static func utcDay(_ seconds: Double) -> String {
        // Clamped to ±1e9 days: a hostile timestamp must not trap (nor overflow below).
        var days = Int(saturating: max(-1e9, min(1e9, (seconds / 86_400).rounded(.down))))
        // Civil-from-days (Howard Hinnant), proleptic Gregorian, no calendar or locale involved.
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let doe = days - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ n: Int, _ w: Int) -> String { String(repeating: "0", count: max(0, w - String(n).count)) + String(n) }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    static func isISODate(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let m = Int(parts[1]), let d = Int(parts[2]) else { return false }
        return (1...12).contains(m) && (1...31).contains(d)
    }
}
