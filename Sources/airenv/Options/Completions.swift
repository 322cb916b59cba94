import AirenvModel
import AirenvStore
import ArgumentParser
import Foundation

/// What the shell completes from the repository: Deployment names, conn_ids, variable keys and
/// Workspace names, read (quietly, never changing anything) from the repository and Workspace
/// the words typed so far name, as the command itself would find them.
enum Completions {
  static let deployments = CompletionKind.custom { words, _, _ in
    names(words) { workspace in workspace.deployments.map(\.name) }
  }

  /// conn_ids after `connection`, variable keys after `variable`, both elsewhere (`history`).
  static let objects = CompletionKind.custom { words, _, _ in
    names(words) { workspace in
      let connections = workspace.connections.map(\.key)
      let variables = workspace.variables.map(\.key)
      if words.contains("connection") { return connections }
      if words.contains("variable") { return variables }
      return connections + variables
    }
  }

  static let workspaces = CompletionKind.custom { words, _, _ in
    ((try? repository(words).workspaceSummaries()) ?? []).map(\.name).sorted()
  }

  /// The repository the typed words name (`--repo`, else the environment), never written to.
  private static func repository(_ words: [String]) -> Repository {
    Repository(
      root: GlobalOptions.repositoryPath(
        explicit: value(of: "--repo", in: words), environment: ProcessInfo.processInfo.environment),
      readonly: true)
  }

  private static func names(_ words: [String], _ pick: (Workspace) -> [String]) -> [String] {
    let environment = ProcessInfo.processInfo.environment
    let name =
      value(of: "--workspace", in: words) ?? environment["AIRENV_WORKSPACE"].flatMap { $0.isEmpty ? nil : $0 }
    // As the command itself would read it: a user the Workspace refuses is offered nothing.
    let session = Session(
      repository: repository(words), workspaceName: name, explicitUser: value(of: "--user", in: words),
      readonly: true, environment: environment)
    guard let workspace = try? session.application.read(openingSecrets: false) else { return [] }
    // A name that would garble the shell's line (a control character) is not offered.
    return Set(pick(workspace)).filter { !$0.unicodeScalars.contains(where: IdentifierRules.isControl) }
      .sorted()
  }

  /// The value given to `option` among the words (`--repo R` or `--repo=R`).
  private static func value(of option: String, in words: [String]) -> String? {
    for (index, word) in words.enumerated() {
      if word.hasPrefix(option + "=") { return String(word.dropFirst(option.count + 1)) }
      if word == option, index + 1 < words.count { return words[index + 1] }
    }
    return nil
  }
}
