import AirenvModel
import AirenvStore
import AirenvUI

extension TUIRuntime {
  /// Carries out what the Workspaces screen asked, through the application layer (the rules of
  /// the CLI's `workspace` commands), and shows the list as it now stands.
  func perform(_ request: WorkspaceRequest, on state: inout AppState) {
    do {
      switch request {
      case .list: break
      case .open(let name):
        try open(name, on: &state)
        return
      case .create(let name):
        try application.createWorkspace(named: name)
        _ = update(&state, .applied(Outcome(message: "created Workspace \"\(name)\"; Enter opens it")))
      case .rename(let old, let new, let id):
        try application.renameWorkspace(old, to: new, expectedID: id)
        if state.workspace.id == id, let renamed = try application.repository.read(workspaceID: id) {
          _ = update(&state, .reloaded(renamed))
        }
        _ = update(&state, .applied(Outcome(message: "renamed Workspace \"\(old)\" to \"\(new)\"")))
      case .confirmDelete(let name, let id):
        // The CLI's question, with what goes; permission and identity are checked first.
        do {
          try application.deleteWorkspace(name, expectedID: id, confirmed: false)
        } catch ModelError.needsConfirmation(let impact) {
          _ = update(
            &state,
            .confirm(Confirmation(question: impact.question, onYes: .workspace(.delete(name, id: id)))))
          return
        }
      case .delete(let name, let id):
        try application.deleteWorkspace(name, expectedID: id, confirmed: true)
        _ = update(&state, .applied(Outcome(message: "deleted Workspace \"\(name)\"")))
      }
      let entries = try application.workspaces().map {
        WorkspaceEntry(id: $0.id, name: $0.name, isDefault: $0.isDefault)
      }
      _ = update(&state, .workspacesLoaded(entries))
      if case .create(let name) = request, let index = entries.firstIndex(where: { $0.name == name }) {
        state.workspaceCursor = index
      }
    } catch {
      _ = update(&state, .failed(Self.message(for: error)))
    }
  }

  /// Shows another Workspace: a fresh screen for it, as at start-up, in the same terminal.
  private func open(_ name: String, on state: inout AppState) throws {
    var other = application
    other.workspaceName = name
    let workspace = try other.read()
    var opened = AppState(
      workspace: workspace, session: state.session, width: state.width, height: state.height,
      ascii: state.ascii)
    opened.message = Message(text: "opened Workspace \"\(workspace.name)\"", isError: false)
    state = opened
    loadHistory(into: &state)
    verifyObjects(in: &state)
  }
}
