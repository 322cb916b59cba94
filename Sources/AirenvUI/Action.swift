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
  case delete
  case toggleMatrix
  case toggleLink
  case toggleLinkedToAll
  case overrideForm
  case clearOverride
  case toggleReveal
  case help

  // Forms and line editing.
  case nextField, previousField, submit, clearField, toggleOption, cycleOptionBack, cycleOption, toggleRemoval
  case insert(Character)
  case deleteBackward, deleteForward, cursorStart, cursorEnd, killToStart, killToEnd, killWord

  // Confirmation.
  case confirmYes, confirmNo

  // From the runtime.
  case resize(width: Int, height: Int)
  case reloaded(Workspace)
  case applied(Outcome)
  case failed(String)
}

/// Work for the runtime, outside `update`.
public enum Effect: Equatable, Sendable {
  /// Apply model commands in order to the latest state on disk, then reload.
  case apply([Command], confirmed: Bool)
  case quit
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
