import ArgumentParser

struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Run black-box causality and normalisation probes on a record."
    )

    func run() throws {
        throw ValidationError("'probe' is not implemented yet")
    }
}
