import ArgumentParser
import Foundation

/// The `referee` command. Exit codes: 0 all rules pass, 1 a rule failed, 2 bad input or usage.
@main
struct Referee: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "referee",
        abstract: "The rules official for Parameter Golf: run, audit, sign and verify submissions.",
        version: RefereeVersion.string,
        subcommands: [
            AuditCommand.self,
            DataCommand.self,
            KeygenCommand.self,
            SignCommand.self,
            VerifyCommand.self,
            ProbeCommand.self,
            RunCommand.self,
            SubmissionCommand.self,
            GateCommand.self,
            ReportCommand.self,
        ]
    )

    /// Parses and runs, mapping every error that is not a rule failure to exit code 2. Every
    /// message goes to stderr with one prefix, `referee: error: `; usage errors keep the usage
    /// lines the argument parser adds.
    static func main() async {
        if let typo = CommandSuggestion.unknownCommand(in: Array(CommandLine.arguments.dropFirst()), known: subcommandNames) {
            FileHandle.standardError.write(Data((errorMessage(typo) + "\n").utf8))
            Foundation.exit(ExitCode.badInput.rawValue)
        }
        do {
            var command = try parseAsRoot()
            if var async = command as? any AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                exit(withError: error)  // --help, --version
            }
            FileHandle.standardError.write(Data((errorMessage(fullMessage(for: error)) + "\n").utf8))
            Foundation.exit(ExitCode.badInput.rawValue)
        }
    }

    /// The subcommands' names, for typo suggestions.
    static var subcommandNames: [String] {
        configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"]
    }

    /// `referee: error: <message>`: the argument parser's own `Error: ` prefix is replaced, not
    /// repeated.
    static func errorMessage(_ full: String) -> String {
        var text = Substring(full)
        for prefix in ["Error: ", "error: "] where text.hasPrefix(prefix) {
            text = text.dropFirst(prefix.count)
        }
        return "referee: error: " + text
    }
}

extension ExitCode {
    /// A rule failed.
    static let ruleFailed = ExitCode(1)
    /// Bad input or usage.
    static let badInput = ExitCode(2)
}
