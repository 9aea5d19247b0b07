import ArgumentParser

struct SignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign a record folder into a DSSE bundle."
    )

    func run() throws {
        throw ValidationError("'sign' is not implemented yet")
    }
}
