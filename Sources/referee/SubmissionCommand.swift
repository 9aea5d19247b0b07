import ArgumentParser

struct SubmissionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submission",
        abstract: "Write submission.json and README.md from evidence."
    )

    func run() throws {
        throw ValidationError("'submission' is not implemented yet")
    }
}
