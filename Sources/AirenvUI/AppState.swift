import AirenvModel
import Foundation

/// Who is looking at what: shown in the header and used for permissions.
public struct SessionInfo: Equatable, Sendable {
  public var repository: String
  public var user: String
  public var readonly: Bool

  public init(repository: String, user: String, readonly: Bool) {
    self.repository = repository
    self.user = user
    self.readonly = readonly
  }
}

/// A yes/no question that states the blast radius; "No" has the focus.
public struct Confirmation: Equatable, Sendable {
  public var question: String
  /// What "yes" does.
  public var onYes: Effect
  public var yesFocused = false

  public init(question: String, onYes: Effect) {
    self.question = question
    self.onYes = onYes
  }

  /// Model commands, applied confirmed on "yes".
  public init(question: String, commands: [Command]) {
    self.init(question: question, onYes: .apply(commands, confirmed: true))
  }

  /// The model commands "yes" applies, if that is what it does.
  public var commands: [Command] {
    if case .apply(let commands, _) = onYes { return commands }
    return []
  }
}

/// One Workspace of the repository, as the Workspaces screen lists it.
public struct WorkspaceEntry: Equatable, Sendable {
  /// The Workspace's stable id: what the screen acts on, whatever its name is by then.
  public var id: WorkspaceID
  public var name: String
  public var isDefault: Bool

  public init(id: WorkspaceID, name: String, isDefault: Bool) {
    self.id = id
    self.name = name
    self.isDefault = isDefault
  }
}

public enum Overlay: Equatable, Sendable {
  case help
  case confirm(Confirmation)
  case form(Form)
  case filter(LineEditor)
  case command(LineEditor)
}

public enum Mode: Equatable, Sendable {
  case list
  case matrix
  case resolved(DeploymentID)
  case diff(DeploymentID, DeploymentID)
  case history
  /// One history entry in full, by its `HistoryLine.id` (two entries may share a sequence
  /// number after a git merge).
  case historyEntry(String)
  /// The repository's Workspaces: open, create, rename, delete.
  case workspaces
  /// What applying would change in a Deployment's target.
  case plan(DeploymentID)
}

public struct Message: Equatable, Sendable {
  public var text: String
  public var isError: Bool

  public init(text: String, isError: Bool) {
    self.text = text
    self.isError = isError
  }
}

/// The matrix's cursor and scroll position; column 0 is "All", then Deployments by name.
public struct MatrixCursor: Equatable, Sendable {
  public var row = 0
  public var column = 0
  public var rowOffset = 0
  public var columnOffset = 0
}

/// Everything the screen shows, as one value: `update` changes it, `render` draws it.
public struct AppState: Equatable, Sendable {
  public private(set) var workspace: Workspace
  public var session: SessionInfo
  public var width: Int
  public var height: Int
  public var tab: Tab = .connections
  public var mode: Mode = .list
  /// Each targeted Deployment's sync state, as the runtime last measured it.
  public var sync: [DeploymentID: DeploymentSync] = [:]
  /// Why each object nobody allowed to has vouched for is unverified, by id (marked in the
  /// lists and the detail pane; see `airenv approve`).
  public var unverified: [String: String] = [:]
  public var selection: [Tab: Int] = [:]
  public var scroll: [Tab: Int] = [:]
  public var filter = ""
  public var matrix = MatrixCursor()
  public var overlay: Overlay?
  public var message: Message?
  /// Why the repository, changed on disk by someone else, cannot be read now: shown on the
  /// message line (under any other message) until a reload succeeds.
  public var repositoryProblem: String?
  public var revealed = false
  public var ascii = false
  public var pageScroll = 0
  /// The Workspace's saved changes, newest first, while the History screen is open.
  public var history: [HistoryLine] = []
  /// Why the history could not be read, when it could not.
  public var historyProblem: String?
  /// The History screen's cursor: an index into the entries the filter lets through.
  public var historyCursor = 0
  /// The repository's Workspaces, while the Workspaces screen is open, and its cursor.
  public var workspaces: [WorkspaceEntry] = []
  public var workspaceCursor = 0
  /// Sorted, filtered indices into the Workspace's arrays; rebuilt only when the Workspace or
  /// the filter changes, never per keystroke.
  public private(set) var rows: [Tab: [Int]] = [:]
  public private(set) var deploymentOrder: [Int] = []
  /// The Deployments the matrix has columns for and the detail pane lists, in name order: all
  /// of them, or those an `@` word of the filter names.
  public private(set) var deploymentColumns: [Int] = []
  private var connectionIndex = SearchIndex()
  private var variableIndex = SearchIndex()
  /// Per Deployment: how many connections and variables reach it, and how many override.
  private(set) var reachCounts = Memo<DeploymentID, (connections: ReachCount, variables: ReachCount)>()
  /// The lines of the resolved or diff page on screen (a few thousand for a large Workspace).
  private(set) var pages = Memo<String, [[Span]]>(limit: 4)

  public init(workspace: Workspace, session: SessionInfo, width: Int, height: Int, ascii: Bool = false) {
    self.workspace = workspace
    self.session = session
    self.width = width
    self.height = height
    self.ascii = ascii
    indexWorkspace()
  }

  public static let minimumWidth = 80
  public static let minimumHeight = 24

  public var isTooSmall: Bool { width < Self.minimumWidth || height < Self.minimumHeight }

  /// Rows available to the body: everything but the header, tab bar and two footer lines.
  /// Where each part of the screen is at this size.
  public var layout: ScreenLayout { ScreenLayout(width: width, height: height) }
  public var bodyHeight: Int { layout.body.height }

  public var role: Role? { try? workspace.role(of: session.user) }

  /// Replaces the Workspace (after a save or a change on disk), keeping each tab's cursor
  /// on the same object when it still exists.
  public mutating func replaceWorkspace(_ new: Workspace) {
    let kept = Dictionary(uniqueKeysWithValues: Tab.allCases.map { ($0, selectedKey(in: $0)) })
    let keptDeployments = (mode, matrixDeploymentID)
    workspace = new
    indexWorkspace()
    for tab in Tab.allCases {
      guard let key = kept[tab] ?? nil, let index = keys(in: tab).firstIndex(of: key) else {
        selection[tab] = min(selection[tab] ?? 0, max(0, (rows[tab]?.count ?? 1) - 1))
        continue
      }
      selection[tab] = index
    }
    if case .matrix = keptDeployments.0, let id = keptDeployments.1,
      let position = deploymentColumns.firstIndex(where: { workspace.deployments[$0].id == id })
    {
      matrix.column = position + 1
    }
    matrix.row = selection[tab] ?? 0
  }

  /// Sorts the Workspace once (a new Workspace: at start, after a save or a reload).
  private mutating func indexWorkspace() {
    deploymentOrder = workspace.deployments.indices.sorted {
      workspace.deployments[$0].name.lowercased() < workspace.deployments[$1].name.lowercased()
    }
    reachCounts = Memo()
    pages = Memo(limit: 4)
    connectionIndex = SearchIndex(workspace.connections) { $0.key + " " + $0.base.connType }
    variableIndex = SearchIndex(workspace.variables) { $0.key }
    reindex()
  }

  /// The rows each tab shows under the current filter. Words of the filter that start with `@`
  /// narrow the Deployments (the Deployments tab, the matrix's columns and the detail pane's
  /// list) to names containing any of them; the rest of the filter narrows the objects.
  mutating func reindex() {
    let terms = FilterTerms(filter)
    rows[.connections] = connectionIndex.matching(terms.objects)
    rows[.variables] = variableIndex.matching(terms.objects)
    let names = terms.deployments.isEmpty ? [terms.objects] : terms.deployments
    rows[.deployments] = deploymentOrder.filter { index in
      let name = workspace.deployments[index].name.lowercased()
      return names.contains { $0.isEmpty || name.contains($0) }
    }
    deploymentColumns = terms.deployments.isEmpty ? deploymentOrder : rows[.deployments] ?? []
  }

  public mutating func setFilter(_ text: String) {
    filter = text
    reindex()
    for tab in Tab.allCases { selection[tab] = 0; scroll[tab] = 0 }
    matrix = MatrixCursor()
  }

  public func count(in tab: Tab) -> Int { rows[tab]?.count ?? 0 }

  func keys(in tab: Tab) -> [String] {
    let indices = rows[tab] ?? []
    switch tab {
    case .connections: return indices.map { workspace.connections[$0].key }
    case .variables: return indices.map { workspace.variables[$0].key }
    case .deployments: return indices.map { workspace.deployments[$0].id }
    }
  }

  func selectedKey(in tab: Tab) -> String? {
    let indices = rows[tab] ?? []
    guard let position = selection[tab], position < indices.count else { return nil }
    switch tab {
    case .connections: return workspace.connections[indices[position]].key
    case .variables: return workspace.variables[indices[position]].key
    case .deployments: return workspace.deployments[indices[position]].id
    }
  }

  public var selectedConnection: Connection? {
    guard tab == .connections, let row = currentRow else { return nil }
    return workspace.connections[row]
  }

  public var selectedVariable: Variable? {
    guard tab == .variables, let row = currentRow else { return nil }
    return workspace.variables[row]
  }

  public var selectedDeployment: Deployment? {
    guard tab == .deployments, let row = currentRow else { return nil }
    return workspace.deployments[row]
  }

  var currentRow: Int? {
    let indices = rows[tab] ?? []
    let position = mode == .matrix ? matrix.row : (selection[tab] ?? 0)
    return position < indices.count ? indices[position] : nil
  }

  /// The Deployment of the matrix cursor's column, nil on the "All" column.
  public var matrixDeploymentID: DeploymentID? {
    guard matrix.column > 0, matrix.column - 1 < deploymentColumns.count else { return nil }
    return workspace.deployments[deploymentColumns[matrix.column - 1]].id
  }

  public func deployment(at column: Int) -> Deployment { workspace.deployments[deploymentColumns[column]] }

  /// Whether the acting user may change things, and if not, why.
  public var changeRefusal: String? {
    if session.readonly { return "read-only mode (--readonly): changes are off" }
    do {
      try workspace.authorize(.change, for: session.user)
      return nil
    } catch {
      return error.message
    }
  }

  public var mayReveal: Bool { workspace.allows(.revealSecrets, for: session.user) }
  public var mayViewValues: Bool { workspace.allows(.viewValues, for: session.user) }

  public var keyContext: KeyContext {
    if isTooSmall { return .tooSmall }
    switch overlay {
    case .form?: return .form
    case .filter?, .command?: return .line
    case .confirm?: return .confirm
    case .help?: return .help
    case nil:
      switch mode {
      case .list: return .list
      case .matrix: return .matrix
      case .resolved, .diff, .history, .historyEntry, .plan: return .resolved
      case .workspaces: return .workspaces
      }
    }
  }
}

/// A filter split into what narrows the objects and what narrows the Deployments (`@` words),
/// both lower-cased.
struct FilterTerms: Equatable {
  var objects: String
  var deployments: [String]

  init(_ filter: String) {
    let words = filter.lowercased().split(separator: " ", omittingEmptySubsequences: true)
    deployments = words.filter { $0.hasPrefix("@") }.map { String($0.dropFirst()) }
    objects = words.filter { !$0.hasPrefix("@") }.joined(separator: " ")
    // A filter without `@` words keeps its spaces as typed.
    if deployments.isEmpty { objects = filter.lowercased() }
  }
}
