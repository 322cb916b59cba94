import AirenvModel
import Foundation

/// The linking matrix: the cursor moves over objects × Deployments; Space, a, o and c change
/// the cell under it (each proposed first, so a destructive one is confirmed).
func updateMatrix(_ state: inout AppState, _ action: Action) -> [Effect] {
  switch action {
  case .moveDown: state.matrix.row += 1
  case .moveUp: state.matrix.row -= 1
  case .moveLeft: state.matrix.column -= 1
  case .moveRight: state.matrix.column += 1
  case .pageDown: state.matrix.row += state.layout.matrixRows
  case .pageUp: state.matrix.row -= state.layout.matrixRows
  case .moveHome: state.matrix.row = 0
  case .moveEnd: state.matrix.row = state.count(in: state.tab) - 1
  case .toggleLinkedToAll:
    guard allowChange(&state) else { return [] }
    return toggleAll(&state)
  case .toggleLink:
    guard allowChange(&state) else { return [] }
    return toggleLink(&state)
  case .overrideForm:
    guard allowChange(&state) else { return [] }
    openOverrideForm(&state)
  case .clearOverride:
    guard allowChange(&state) else { return [] }
    confirmClearingOverrides(&state)
  default: break
  }
  clampMatrix(&state)
  state.selection[state.tab] = state.matrix.row
  return []
}

/// Space: link or unlink; on a row linked to all, exclude or include again; on All, toggle it.
private func toggleLink(_ state: inout AppState) -> [Effect] {
  guard let deployment = state.matrixDeploymentID else { return toggleAll(&state) }
  let name = state.workspace.deployment(id: deployment)!.name
  guard let (reference, cell) = matrixObject(state, deployment) else { return [] }
  switch cell {
  case .notLinked: return propose(&state, [link(reference, name)])
  case .linked, .overridden: return propose(&state, [.unlink(reference, deployment: name)])
  case .linkedViaAll: return propose(&state, [.exclude(reference, deployment: name)])
  case .excluded, .inertExclusion: return propose(&state, [.include(reference, deployment: name)])
  case .scoped:
    state.message = Message(
      text: "a Deployment-scoped object is not linked; promote it to share it", isError: true)
    return []
  }
}

/// o: the override form for the cell's object on the cell's Deployment.
private func openOverrideForm(_ state: inout AppState) {
  guard let id = state.matrixDeploymentID, let deployment = state.workspace.deployment(id: id) else {
    state.message = Message(text: "move to a Deployment's column to override its fields", isError: true)
    return
  }
  let scoped = "a Deployment-scoped object has no overrides; edit it with e"
  if let connection = state.selectedConnection {
    guard connection.scope == .workspace else {
      state.message = Message(text: scoped, isError: true)
      return
    }
    state.overlay = .form(.override(connection, deployment: deployment))
  } else if let variable = state.selectedVariable {
    guard variable.scope == .workspace else {
      state.message = Message(text: scoped, isError: true)
      return
    }
    state.overlay = .form(.override(variable, deployment: deployment))
  }
}

/// c: asks before every override of the cell is dropped.
private func confirmClearingOverrides(_ state: inout AppState) {
  guard let id = state.matrixDeploymentID, let (reference, cell) = matrixObject(state, id) else { return }
  guard cell == .overridden else {
    state.message = Message(text: "this cell has no overrides to clear", isError: true)
    return
  }
  let name = state.workspace.deployment(id: id)!.name
  state.overlay = .confirm(
    Confirmation(
      question: "Clear every override of \(reference.key) on \(name)? It inherits the base values again.",
      commands: [.resetOverride(reference, deployment: name, fields: [])]))
}

func link(_ reference: ObjectReference, _ deployment: String) -> Command {
  reference.kind == .connection
    ? .linkConnection(reference, deployment: deployment, overrides: ConnectionChanges())
    : .linkVariable(reference, deployment: deployment, overrides: VariableChanges())
}

func matrixObject(_ state: AppState, _ deployment: DeploymentID) -> (ObjectReference, CellState)? {
  if let connection = state.selectedConnection {
    return (Form.reference(connection), connection.cellState(for: deployment))
  }
  if let variable = state.selectedVariable {
    return (Form.reference(variable), variable.cellState(for: deployment))
  }
  return nil
}

func toggleAll(_ state: inout AppState) -> [Effect] {
  if let connection = state.selectedConnection {
    return propose(
      &state,
      [
        .updateConnection(
          Form.reference(connection), ConnectionChanges(), linkedToAll: !connection.linkedToAll)
      ])
  }
  if let variable = state.selectedVariable {
    return propose(
      &state,
      [.updateVariable(Form.reference(variable), VariableChanges(), linkedToAll: !variable.linkedToAll)])
  }
  return []
}

/// Keeps the matrix cursor inside the grid and on screen, scrolling rows and columns.
func clampMatrix(_ state: inout AppState) {
  let rows = state.count(in: state.tab)
  let columns = state.deploymentColumns.count + 1
  state.matrix.row = max(0, min(state.matrix.row, rows - 1))
  state.matrix.column = max(0, min(state.matrix.column, columns - 1))
  let visibleRows = state.layout.matrixRows
  if state.matrix.row < state.matrix.rowOffset { state.matrix.rowOffset = state.matrix.row }
  if state.matrix.row >= state.matrix.rowOffset + visibleRows {
    state.matrix.rowOffset = state.matrix.row - visibleRows + 1
  }
  let visibleColumns = MatrixLayout(state: state).visibleDeploymentColumns
  let deploymentColumn = state.matrix.column - 1
  if deploymentColumn >= 0 {
    if deploymentColumn < state.matrix.columnOffset { state.matrix.columnOffset = deploymentColumn }
    if deploymentColumn >= state.matrix.columnOffset + visibleColumns {
      state.matrix.columnOffset = deploymentColumn - visibleColumns + 1
    }
  }
  state.matrix.columnOffset = max(0, min(state.matrix.columnOffset, max(0, columns - 1 - visibleColumns)))
}
