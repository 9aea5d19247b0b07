/// Referee's version, recorded in every bundle and report.
enum RefereeVersion {
    static let string = "0.1.0"
}
