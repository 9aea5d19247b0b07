import ArgumentParser

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a submission end to end and produce a verified record."
    )

    func run() throws {
        throw ValidationError("'run' is not implemented yet")
    }
}
