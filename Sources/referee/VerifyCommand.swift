import ArgumentParser

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a record's signed bundle and re-run its audit."
    )

    func run() throws {
        throw ValidationError("'verify' is not implemented yet")
    }
}
