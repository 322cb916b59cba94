import ArgumentParser

/// The `airenv` command line: the model's scriptable face.
struct Airenv: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "airenv",
    abstract: "Manage Airflow connections and variables across Deployments.",
    discussion: """
      Exit codes: 0 success; 1 runtime failure (I/O, corrupt file); 2 usage; \
      3 validation refused; 4 conflict (concurrent change, duplicate id); 5 permission refused.
      """,
    version: "airenv \(version)",
    subcommands: [
      InitCommand.self, DemoCommand.self, WorkspaceCommand.self, DeploymentCommand.self,
      ConnectionCommand.self, VariableCommand.self, MatrixCommand.self, ResolveCommand.self,
      DiffCommand.self, ExportCommand.self, ImportCommand.self, HistoryCommand.self, UndoCommand.self,
      RedoCommand.self, DoctorCommand.self, ConflictsCommand.self, ApproveCommand.self,
      KeyCommand.self, IdentityCommand.self, TargetCommand.self, PlanCommand.self, ApplyCommand.self,
      PullCommand.self,
      TUICommand.self,
    ],
    defaultSubcommand: TUICommand.self
  )

  /// Given to `--version`; raised with each release.
  static let version = "0.10.0"
}

@main
enum Main {
  static func main() {
    do {
      let arguments = GlobalOptions.movedAfterSubcommand(CommandLine.arguments)
      try CommandWords.check(arguments, root: Airenv.self)
      var command = try Airenv.parseAsRoot(arguments)
      try command.run()
    } catch {
      Failure.exit(with: error)
    }
  }
}
