import AirenvApp
import AirenvModel
import AirenvStore
import ArgumentParser
import Foundation

/// The options every command takes (SPEC §5.1).
struct GlobalOptions: ParsableArguments {
  @Option(
    help: "Repository directory (else $AIRENV_REPO, else $XDG_DATA_HOME/airenv).", completion: .directory)
  var repo: String?

  @Option(
    help: "Workspace name (else $AIRENV_WORKSPACE, else the default or only one).",
    completion: Completions.workspaces)
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
    // Only a name given or the login name is checked here: an identity's was checked on reading.
    let name = Self.userName(explicit: user, environment: environment, held: [])
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

  /// The session of a one-off command: it reads each file once, so nothing decoded is kept.
  var session: Session { session(keepingDecodedFiles: false) }

  /// The session of the TUI, which reads again after every change: only what changed is decoded.
  var longLivedSession: Session { session(keepingDecodedFiles: true) }

  private func session(keepingDecodedFiles: Bool) -> Session {
    let environment = ProcessInfo.processInfo.environment
    return Session(
      repository: Repository(
        root: Self.repositoryPath(explicit: repo, environment: environment), readonly: readonly,
        caches: Repository.cacheDirectory(environment: environment), keepsDecodedFiles: keepingDecodedFiles,
        requiringVerification: Repository.requiresVerification(environment: environment)),
      workspaceName: workspace ?? environment["AIRENV_WORKSPACE"].flatMap { $0.isEmpty ? nil : $0 },
      explicitUser: user, readonly: readonly, environment: environment)
  }

  static func repositoryPath(explicit: String?, environment: [String: String]) -> String {
    if let explicit, !explicit.isEmpty { return explicit }
    if let path = environment["AIRENV_REPO"], !path.isEmpty { return path }
    if let data = environment["XDG_DATA_HOME"], !data.isEmpty { return data + "/airenv" }
    return (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share/airenv"
  }

  static func userName(explicit: String?, environment: [String: String], held: [LocalIdentity]) -> String {
    if let explicit, !explicit.isEmpty { return explicit }
    if let user = environment["AIRENV_USER"], !user.isEmpty { return user }
    // The one identity held here names its user (several: the login name chooses among them).
    if held.count == 1 { return held[0].user }
    if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
    return environment["USER"] ?? "unknown"
  }
}
