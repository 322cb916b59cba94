import AirenvApp
import AirenvModel
import AirenvStore
import ArgumentParser
import Foundation

/// The options every command takes (SPEC §5.1).
struct GlobalOptions: ParsableArguments {
  @Option(help: "Repository directory (else $AIRENV_REPO, else $XDG_DATA_HOME/airenv).")
  var repo: String?

  @Option(help: "Workspace name (else $AIRENV_WORKSPACE, else the default or only one).")
  var workspace: String?

  @Option(help: "Acting user (else $AIRENV_USER, else the login name).")
  var user: String?

  @Flag(help: "Refuse every change.")
  var readonly = false

  /// SPEC §5.1 writes global options first (`airenv --repo R connection list`); every
  /// subcommand declares them, so leading ones are moved behind the subcommand's words.
  static func movedAfterSubcommand(_ arguments: [String]) -> [String] {
    var rest = Array(arguments.dropFirst())
    var moved: [String] = []
    while let first = rest.first {
      let name = first.split(separator: "=", maxSplits: 1).first.map(String.init) ?? first
      if first == "--readonly" {
        moved.append(rest.removeFirst())
      } else if ["--repo", "--workspace", "--user"].contains(name) {
        moved.append(rest.removeFirst())
        if !first.contains("="), !rest.isEmpty { moved.append(rest.removeFirst()) }
      } else {
        break
      }
    }
    guard !moved.isEmpty, !rest.isEmpty else { return Array(arguments.dropFirst()) }
    return rest + moved
  }

  /// The acting user's name is written into every stamp and history entry: it follows the
  /// same rule as a member's, whichever way it was given.
  func validate() throws {
    let environment = ProcessInfo.processInfo.environment
    let name = Self.userName(explicit: user, environment: environment)
    if let problem = IdentifierRules.problem(withUserName: name) {
      let source =
        user != nil ? "--user" : environment["AIRENV_USER"].map { _ in "AIRENV_USER" } ?? "the login name"
      throw ValidationError(
        "\(source) \"\(name.prefix(80))\" is not a user name: \(problem); use \(IdentifierRules.userNameRule)"
      )
    }
    if let workspace, let problem = IdentifierRules.problem(withDeploymentName: workspace) {
      throw ValidationError("--workspace \"\(workspace.prefix(80))\" is not a Workspace name: \(problem)")
    }
  }

  var session: Session {
    let environment = ProcessInfo.processInfo.environment
    return Session(
      repository: Repository(
        root: Self.repositoryPath(explicit: repo, environment: environment), readonly: readonly),
      workspaceName: workspace ?? environment["AIRENV_WORKSPACE"].flatMap { $0.isEmpty ? nil : $0 },
      actor: Actor(user: Self.userName(explicit: user, environment: environment), time: Date()),
      readonly: readonly)
  }

  static func repositoryPath(explicit: String?, environment: [String: String]) -> String {
    if let explicit, !explicit.isEmpty { return explicit }
    if let path = environment["AIRENV_REPO"], !path.isEmpty { return path }
    if let data = environment["XDG_DATA_HOME"], !data.isEmpty { return data + "/airenv" }
    return (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share/airenv"
  }

  static func userName(explicit: String?, environment: [String: String]) -> String {
    if let explicit, !explicit.isEmpty { return explicit }
    if let user = environment["AIRENV_USER"], !user.isEmpty { return user }
    if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
    return environment["USER"] ?? "unknown"
  }
}

/// One command's view of the repository: where it is, which Workspace, who is acting.
struct Session {
  var repository: Repository
  var workspaceName: String?
  var actor: Actor
  var readonly: Bool

  /// The Workspace, for a user who is allowed to read it.
  func read() throws -> Workspace { try application.read() }

  /// The Workspace and what the acting user may see of it; revealing secrets needs
  /// Operator or Owner.
  func read(reveal: Bool) throws -> (Workspace, ViewPolicy) {
    let workspace = try read()
    if reveal { try workspace.authorize(.revealSecrets, for: actor.user) }
    return (workspace, ViewPolicy(reveal: reveal, values: workspace.allows(.viewValues, for: actor.user)))
  }

  /// Refuses to show a revealed view that holds secrets the current key cannot open.
  func requireUnlocked(_ locked: [String], reveal: Bool) throws {
    guard reveal, !locked.isEmpty else { return }
    throw Failure(
      message: "cannot reveal \(locked.joined(separator: ", ")): "
        + "the secrets do not decrypt with the key in \(repository.keyring.location) "
        + "(missing, not this repository's key, or the ciphertext was changed); see `airenv key status`",
      code: 1)
  }

  /// The application layer for this command: the one way the CLI and the TUI change things.
  var application: Application {
    Application(repository: repository, workspaceName: workspaceName, user: actor.user, readonly: readonly)
  }

  /// Applies a model command to the latest state on disk. A destructive command is
  /// confirmed on a terminal, or needs `--yes` when there is none. `inspect` first sees that
  /// state (once, even when the command then asks for confirmation), without a read of its own.
  @discardableResult
  func apply(_ command: Command, yes: Bool = false, inspect: (Workspace) -> Void = { _ in }) throws -> Outcome
  {
    do {
      let outcome = try application.perform([command], confirmed: yes, inspect: inspect).outcome
      report(outcome)
      return outcome
    } catch ModelError.needsConfirmation(let impact) {
      guard Console.interactive else {
        throw Failure.usage(
          "\(impact.question) This cannot be undone from here; pass --yes to confirm "
            + "(standard input is not a terminal).")
      }
      guard Console.confirm(impact.question) else {
        throw Failure(message: "cancelled; nothing changed", code: 1)
      }
      return try apply(command, yes: true)
    }
  }

  func refuseIfReadonly() throws { try application.refuseIfReadonly() }

  /// Adds the demo Workspace through ordinary commands, recorded in its history.
  func createDemoWorkspace() throws -> Workspace {
    let workspace = try repository.createWorkspace(named: DemoWorkspace.name, by: actor)
    return try repository.update(workspace: workspace.name, command: "demo", by: actor.user) { workspace in
      try DemoWorkspace.build(into: &workspace, by: actor)
      return workspace
    }
  }

  /// Whether the locale is UTF-8 (LC_ALL, else LC_CTYPE, else LANG); otherwise draw in ASCII.
  static func localeIsUTF8(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
    let locale =
      ["LC_ALL", "LC_CTYPE", "LANG"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty } ?? ""
    return locale.uppercased().contains("UTF-8") || locale.uppercased().contains("UTF8")
  }

  func report(_ outcome: Outcome) {
    Console.out(outcome.message)
    for note in outcome.notes { Console.out("  note: \(note)") }
  }
}
