import AirenvModel

/// The Workspaces screen: every Workspace of the repository with a cursor; Enter opens one,
/// n creates, R renames, d deletes (confirmed; never the one on screen). The runtime carries
/// each out through the application layer and answers with the list as it now stands.
func updateWorkspaces(_ state: inout AppState, _ action: Action) -> [Effect] {
  let selected =
    state.workspaces.indices.contains(state.workspaceCursor) ? state.workspaces[state.workspaceCursor] : nil
  switch action {
  case .moveDown: state.workspaceCursor += 1
  case .moveUp: state.workspaceCursor -= 1
  case .pageDown: state.workspaceCursor += state.layout.workspaceRows
  case .pageUp: state.workspaceCursor -= state.layout.workspaceRows
  case .moveHome: state.workspaceCursor = 0
  case .open:
    guard let selected else { return [] }
    return [.workspace(.open(selected.name))]
  case .new:
    guard !state.session.readonly else { return refuseReadonly(&state) }
    state.overlay = .form(.createWorkspace())
  case .rename:
    guard let selected else { return [] }
    guard !state.session.readonly else { return refuseReadonly(&state) }
    state.overlay = .form(.renameWorkspace(selected))
  case .delete:
    guard let selected else { return [] }
    guard !state.session.readonly else { return refuseReadonly(&state) }
    guard selected.id != state.workspace.id else {
      state.message = Message(
        text: "\"\(selected.name)\" is the Workspace on screen: open another one first", isError: true)
      return []
    }
    return [.workspace(.confirmDelete(selected.name, id: selected.id))]
  default: break
  }
  clampWorkspaceCursor(&state)
  return []
}

func clampWorkspaceCursor(_ state: inout AppState) {
  state.workspaceCursor = max(0, min(state.workspaceCursor, state.workspaces.count - 1))
}

private func refuseReadonly(_ state: inout AppState) -> [Effect] {
  state.message = Message(text: "read-only session (--readonly): nothing can be changed", isError: true)
  return []
}
