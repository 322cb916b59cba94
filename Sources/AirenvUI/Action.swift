import AirenvModel

/// Every user intent. The keymap turns keys into these; `update` turns them into state
/// changes and effects.
public enum Action: Equatable, Sendable {
  case moveUp, moveDown, moveLeft, moveRight
  case pageUp, pageDown, moveHome, moveEnd
  case nextTab, previousTab
  case selectTab(Tab)
  case open
  case back
  case quit
  case startFilter
  case startCommand
  case new
  case edit
  case rename
  case delete
  case toggleMatrix
  case toggleLink
  case toggleLinkedToAll
  case overrideForm
  case clearOverride
  case toggleReveal
  case help
  case undo
  case redo
  case showHistory
  case showWorkspaces
  /// Repaint every cell, whatever the terminal shows now (Ctrl-L).
  case redraw
  /// The plan of the selected Deployment's target.
  case showPlan
  /// Apply the selected Deployment's plan, after a confirmation.
  case deliver
  /// Merge conflicts: keep the selected one of two of one name and delete the other.
  case keepOne
  /// Merge conflicts: remove what names a Deployment that is gone.
  case dropDangling

  // Forms and line editing.
  case nextField, previousField, submit, clearField, toggleOption, cycleOptionBack, cycleOption, toggleRemoval
  case insert(Character)
  case deleteBackward, deleteForward, cursorStart, cursorEnd, killToStart, killToEnd, killWord

  // Confirmation.
  case confirmYes, confirmNo

  // From the runtime.
  case resize(width: Int, height: Int)
  case reloaded(Workspace)
  /// The repository changed on disk and cannot be read now (a corrupt file, a bad merge).
  case reloadFailed(String)
  case applied(Outcome)
  case failed(String)
  /// News from work in the background (an apply's progress and end): the message line only,
  /// whatever the person has open.
  case notice(String, isError: Bool)
  case historyLoaded([HistoryLine])
  /// Why each unverified object is so, by id (see `airenv approve`); empty when all are verified.
  case verified([String: String])
  /// The history cannot be read (a damaged entry file): why, for the History screen.
  case historyUnreadable(String)
  /// A question before an effect: the runtime asks it once it knows what is at stake.
  case confirm(Confirmation)
  case workspacesLoaded([WorkspaceEntry])
  case syncUpdated([DeploymentID: DeploymentSync])
}

extension Action {
  /// Every intent a person can have, each of which some key must express (the key-coverage test
  /// checks it). `insert` and `selectTab` stand for their whole families.
  public static let userIntents: [Action] = [
    .moveUp, .moveDown, .moveLeft, .moveRight, .pageUp, .pageDown, .moveHome, .moveEnd, .nextTab,
    .previousTab,
    .selectTab(.connections), .open, .back, .quit, .startFilter, .startCommand, .new, .edit, .delete,
    .toggleMatrix, .toggleLink, .toggleLinkedToAll, .overrideForm, .clearOverride, .toggleReveal, .help,
    .undo,
    .redo, .showHistory, .showWorkspaces, .redraw, .showPlan, .deliver, .keepOne, .dropDangling, .nextField,
    .previousField, .submit, .clearField,
    .toggleOption,
    .cycleOption,
    .cycleOptionBack, .toggleRemoval, .deleteBackward, .deleteForward, .cursorStart, .cursorEnd, .killToStart,
    .killToEnd, .killWord, .confirmYes, .confirmNo,
  ]

  /// Whether a person asks for this (through a key) rather than the runtime reporting it. The
  /// switch has no default: a new action does not compile until it is placed on one side.
  public var isUserIntent: Bool {
    switch self {
    case .moveUp, .moveDown, .moveLeft, .moveRight, .pageUp, .pageDown, .moveHome, .moveEnd, .nextTab,
      .previousTab, .selectTab, .open, .back, .quit, .startFilter, .startCommand, .new, .edit, .rename,
      .delete,
      .toggleMatrix, .toggleLink, .toggleLinkedToAll, .overrideForm, .clearOverride, .toggleReveal, .help,
      .undo, .redo, .showHistory, .showWorkspaces, .redraw, .showPlan, .deliver, .keepOne, .dropDangling,
      .nextField, .previousField, .submit, .clearField,
      .toggleOption,
      .cycleOptionBack, .cycleOption, .toggleRemoval, .insert, .deleteBackward, .deleteForward, .cursorStart,
      .cursorEnd, .killToStart, .killToEnd, .killWord, .confirmYes, .confirmNo:
      true
    case .resize, .reloaded, .reloadFailed, .applied, .failed, .notice, .historyLoaded, .historyUnreadable,
      .confirm, .workspacesLoaded, .syncUpdated, .verified:
      false
    }
  }
}

/// One saved change as the History screen shows it.
public struct HistoryLine: Equatable, Sendable {
  public var sequence: Int
  public var time: String
  public var user: String
  public var command: String
  public var summary: String
  /// The conn_ids, keys and Deployment names the change touched.
  public var keys: [String]
  /// The entry in full, a line per object and per field, for its own screen.
  public var detail: [String]

  /// Which entry this is: its sequence, time and user (a merge can bring two of one sequence).
  public var id: String { "\(sequence) \(time) \(user)" }

  public init(
    sequence: Int, time: String, user: String, command: String, summary: String, keys: [String],
    detail: [String] = []
  ) {
    self.sequence = sequence
    self.time = time
    self.user = user
    self.command = command
    self.summary = summary
    self.keys = keys
    self.detail = detail
  }

  func matches(_ filter: String) -> Bool {
    filter.isEmpty
      || [user, command, summary, time].contains { $0.lowercased().contains(filter.lowercased()) }
  }
}

/// Work for the runtime, outside `update`.
public enum Effect: Equatable, Sendable {
  /// Apply model commands in order to the latest state on disk, then reload.
  case apply([Command], confirmed: Bool)
  /// Revert (or re-apply) the acting user's latest change; the runtime reports the outcome.
  case undo
  case redo
  case loadHistory
  /// A change to the repository's Workspaces, or opening another one.
  case workspace(WorkspaceRequest)
  /// Forget what the terminal shows and repaint it whole.
  case redraw
  /// Apply a Deployment's plan to its target (confirmed), then measure its sync state again.
  case deliver(DeploymentID)
  case quit
}

/// What the Workspaces screen asks of the runtime.
public enum WorkspaceRequest: Equatable, Sendable {
  /// Read the list (the runtime answers with `workspacesLoaded`).
  case list
  /// Show this Workspace instead of the one on screen.
  case open(String)
  case create(String)
  /// Rename or delete exactly the Workspace shown (by id) under the name shown.
  case rename(String, to: String, id: WorkspaceID)
  /// Ask first: the runtime answers with the question the CLI asks (what goes), or a refusal.
  case confirmDelete(String, id: WorkspaceID)
  case delete(String, id: WorkspaceID)
}

public enum Tab: Int, CaseIterable, Hashable, Sendable {
  case connections, variables, deployments

  public var title: String {
    switch self {
    case .connections: "Connections"
    case .variables: "Variables"
    case .deployments: "Deployments"
    }
  }

  var kind: ObjectKind? {
    switch self {
    case .connections: .connection
    case .variables: .variable
    case .deployments: nil
    }
  }
}
