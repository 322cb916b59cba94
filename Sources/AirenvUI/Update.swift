import AirenvModel
import Foundation

/// The one place where actions change the state. It does no I/O: saving, reloading and
/// quitting are effects that the runtime carries out.
public func update(_ state: inout AppState, _ action: Action) -> [Effect] {
  switch action {
  case .resize(let width, let height):
    state.width = width
    state.height = height
    clampMatrix(&state)
    return []
  case .reloaded(let workspace):
    state.repositoryProblem = nil
    state.replaceWorkspace(workspace)
    clampMatrix(&state)
    return []
  case .applied(let outcome):
    if case .form? = state.overlay { state.overlay = nil }
    state.message = Message(text: ([outcome.message] + outcome.notes).joined(separator: "; "), isError: false)
    return []
  case .reloadFailed(let reason):
    state.repositoryProblem = reason
    return []
  case .workspacesLoaded(let entries):
    let current =
      state.workspaces.indices.contains(state.workspaceCursor)
      ? state.workspaces[state.workspaceCursor].name : nil
    state.workspaces = entries
    state.workspaceCursor = entries.firstIndex { $0.name == current } ?? state.workspaceCursor
    clampWorkspaceCursor(&state)
    return []
  case .confirm(let confirmation):
    state.overlay = .confirm(confirmation)
    return []
  case .verified(let unverified):
    state.unverified = unverified
    return []
  case .historyUnreadable(let reason):
    state.history = []
    state.historyProblem = reason
    return []
  case .historyLoaded(let lines):
    state.historyProblem = nil
    // The cursor stays on its entry when newer ones arrive above it.
    let shown = shownHistory(state)
    let current = shown.indices.contains(state.historyCursor) ? shown[state.historyCursor].id : nil
    state.history = lines
    if let current, let index = shownHistory(state).firstIndex(where: { $0.id == current }) {
      state.historyCursor = index
    }
    if state.mode == .history { clampHistory(&state) }
    return []
  case .redraw:
    return [.redraw]
  case .syncUpdated(let sync):
    state.sync = sync
    if case .plan = state.mode { clampPage(&state) }
    return []
  case .notice(let text, let isError):
    state.message = Message(text: text, isError: isError)
    return []
  case .failed(let text):
    if case .form(var form)? = state.overlay, form.saving {
      form.saving = false
      form.error = text
      state.overlay = .form(form)
    }
    state.message = Message(text: text, isError: true)
    return []
  default:
    break
  }
  // Nothing the user cannot see may act: only quitting, a redraw or a resize (above).
  if state.isTooSmall { return action == .quit ? [.quit] : [] }
  switch state.overlay {
  case .help?: return updateHelp(&state, action)
  case .confirm(let confirmation)?: return updateConfirm(&state, confirmation, action)
  case .form(let form)?: return updateForm(&state, form, action)
  case .filter(let editor)?: return updateFilter(&state, editor, action)
  case .command(let editor)?: return updateCommandLine(&state, editor, action)
  case nil: return updateBrowsing(&state, action)
  }
}

func allowChange(_ state: inout AppState) -> Bool {
  guard let refusal = state.changeRefusal else { return true }
  state.message = Message(text: refusal, isError: true)
  return false
}

/// Tries the commands on a copy: a destructive one asks first, stating its blast radius; a
/// refused one says why; the others go to the runtime to be saved.
func propose(_ state: inout AppState, _ commands: [Command]) -> [Effect] {
  let actor = Actor(user: state.session.user, time: Date(timeIntervalSince1970: 0))
  do {
    try state.workspace.trial(commands, by: actor)
    return [.apply(commands, confirmed: false)]
  } catch .needsConfirmation(let impact) {
    state.overlay = .confirm(Confirmation(question: impact.question, commands: commands))
  } catch {
    state.message = Message(text: error.message, isError: true)
  }
  return []
}
