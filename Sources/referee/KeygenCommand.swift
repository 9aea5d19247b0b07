import ArgumentParser

struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Generate an Ed25519 signing key."
    )

    func run() throws {
        throw ValidationError("'keygen' is not implemented yet")
    }
}
