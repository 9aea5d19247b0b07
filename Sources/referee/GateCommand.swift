import ArgumentParser

struct GateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Audit and verify for CI; non-zero exit on any failure."
    )

    func run() throws {
        throw ValidationError("'gate' is not implemented yet")
    }
}
