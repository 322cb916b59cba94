import AirenvModel
import Foundation

/// The `/` line: the lists narrow with each key; Enter keeps the filter, Esc clears it.
func updateFilter(_ state: inout AppState, _ editor: LineEditor, _ action: Action) -> [Effect] {
  var editor = editor
  switch action {
  case .quit: return [.quit]
  case .submit, .nextField:
    state.overlay = nil
  case .back:
    state.overlay = nil
    state.setFilter("")
  default:
    if editor.apply(action) {
      state.overlay = .filter(editor)
      state.setFilter(editor.text)
    }
  }
  return []
}

/// The `:` line: Enter runs it (see `CommandVerb`), Esc drops it.
func updateCommandLine(_ state: inout AppState, _ editor: LineEditor, _ action: Action) -> [Effect] {
  var editor = editor
  switch action {
  case .quit: return [.quit]
  case .back:
    state.overlay = nil
  case .submit:
    state.overlay = nil
    return runCommandLine(&state, editor.text)
  default:
    if editor.apply(action) { state.overlay = .command(editor) }
  }
  return []
}

/// Runs what was typed on the `:` line (the verbs of `CommandVerb`).
func runCommandLine(_ state: inout AppState, _ text: String) -> [Effect] {
  let words = text.split(separator: " ").map(String.init)
  func deployment(_ name: String) -> Deployment? {
    let found = state.workspace.deployment(named: name)
    if found == nil { state.message = Message(text: "no Deployment \"\(name)\"", isError: true) }
    return found
  }
  switch CommandVerb.parse(words) {
  case .quit?: return [.quit]
  case .help?: state.overlay = .help
  case .matrix?: return updateBrowsing(&state, .toggleMatrix)
  case .history?: return updateBrowsing(&state, .showHistory)
  case .workspaces?: return updateBrowsing(&state, .showWorkspaces)
  case .workspace?: return [.workspace(.open(words[1]))]
  case .resolve?:
    if let target = deployment(words[1]) {
      state.mode = .resolved(target.id)
      state.pageScroll = 0
    }
  case .diff?:
    if let first = deployment(words[1]), let second = deployment(words[2]) {
      state.mode = .diff(first.id, second.id)
      state.pageScroll = 0
    }
  case nil:
    state.message = Message(text: "unknown command \":\(text)\"; try \(CommandVerb.usages)", isError: true)
  }
  return []
}
