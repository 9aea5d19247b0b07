import ArgumentParser

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write an HTML report of a record."
    )

    func run() throws {
        throw ValidationError("'report' is not implemented yet")
    }
}
