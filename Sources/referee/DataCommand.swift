import ArgumentParser

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Read tokenizers and FineWeb shards (byte denominators)."
    )

    func run() throws {
        throw ValidationError("'data' is not implemented yet")
    }
}
