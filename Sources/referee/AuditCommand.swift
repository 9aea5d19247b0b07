import ArgumentParser

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Audit logs and record folders against a track's rules."
    )

    func run() throws {
        throw ValidationError("'audit' is not implemented yet")
    }
}
