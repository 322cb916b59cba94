/// The `:` command line's verbs. This one table parses what is typed, names the verbs in the
/// `:` key's help, in the message for an unknown one and in the README's key list.
enum CommandVerb: CaseIterable {
  case resolve, diff, matrix, history, workspace, workspaces, help, quit

  /// What is typed, first the name shown.
  var names: [String] {
    switch self {
    case .resolve: ["resolve"]
    case .diff: ["diff"]
    case .matrix: ["matrix"]
    case .history: ["history"]
    case .workspace: ["workspace"]
    case .workspaces: ["workspaces"]
    case .help: ["help"]
    case .quit: ["q", "quit"]
    }
  }

  /// The words after the verb.
  var arguments: [String] {
    switch self {
    case .resolve: ["DEPLOYMENT"]
    case .diff: ["A", "B"]
    case .workspace: ["NAME"]
    case .matrix, .history, .workspaces, .help, .quit: []
    }
  }

  var summary: String {
    switch self {
    case .resolve: "what a Deployment resolves to"
    case .diff: "what differs between two Deployments"
    case .matrix: "the linking matrix"
    case .history: "the History screen"
    case .workspace: "open another Workspace"
    case .workspaces: "the Workspaces screen"
    case .help: "every key"
    case .quit: "quit"
    }
  }

  /// `:resolve DEPLOYMENT`.
  var usage: String { ([":" + names[0]] + arguments).joined(separator: " ") }

  /// The verb `words` call for, when its name and its number of arguments match one.
  static func parse(_ words: [String]) -> CommandVerb? {
    guard let first = words.first?.lowercased() else { return nil }
    return allCases.first { $0.names.contains(first) && $0.arguments.count == words.count - 1 }
  }

  /// Every verb's usage, for a message or a summary.
  static var usages: String { allCases.map(\.usage).joined(separator: ", ") }
}
