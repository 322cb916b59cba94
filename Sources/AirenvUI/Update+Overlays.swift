import AirenvModel
import Foundation

/// The help overlay: scrolls, and closes on Esc, q or ?.
func updateHelp(_ state: inout AppState, _ action: Action) -> [Effect] {
  switch action {
  case .quit: return [.quit]
  case .back, .help:
    state.overlay = nil
    state.pageScroll = 0
  case .moveDown: state.pageScroll += 1
  case .moveUp: state.pageScroll -= 1
  case .pageDown: state.pageScroll += state.layout.helpRows
  case .pageUp: state.pageScroll -= state.layout.helpRows
  case .moveHome: state.pageScroll = 0
  default: break
  }
  state.pageScroll = max(
    0, min(state.pageScroll, helpLines(Glyphs(ascii: state.ascii)).count - state.layout.helpRows))
  return []
}

/// A confirmation: No has the focus; y, Enter on Yes, or the arrows then Enter.
func updateConfirm(_ state: inout AppState, _ confirmation: Confirmation, _ action: Action)
  -> [Effect]
{
  var confirmation = confirmation
  switch action {
  case .quit: return [.quit]
  case .confirmYes:
    state.overlay = nil
    return [confirmation.onYes]
  case .confirmNo:
    state.overlay = nil
    state.message = Message(text: "cancelled; nothing changed", isError: false)
  case .moveRight, .moveLeft, .nextTab:
    confirmation.yesFocused.toggle()
    state.overlay = .confirm(confirmation)
  case .open:
    return updateConfirm(&state, confirmation, confirmation.yesFocused ? .confirmYes : .confirmNo)
  default: break
  }
  return []
}

/// A form: fields, toggles and choices edited in place; submitted as one change.
func updateForm(_ state: inout AppState, _ form: Form, _ action: Action) -> [Effect] {
  var form = form
  guard !form.saving else { return [] }
  let index = form.focus
  switch action {
  case .quit: return [.quit]
  case .back:
    state.overlay = nil
    state.message = Message(text: "cancelled; nothing changed", isError: false)
    return []
  case .nextField: form.focus = (index + 1) % form.fields.count
  case .previousField: form.focus = (index + form.fields.count - 1) % form.fields.count
  case .submit: return submit(&state, form)
  case .clearField:
    if form.isOverride {
      form.fields[index].isSet = false
      form.fields[index].editor = LineEditor()
    } else {
      form.fields[index].editor = LineEditor()
    }
  case .toggleRemoval:
    guard form.isOverride, form.fields[index].name.hasPrefix("extra."),
      !(form.fields[index].base ?? "").isEmpty
    else {
      form.error = "Ctrl-X removes an inherited extra key, in an override form"
      break
    }
    form.fields[index].removed.toggle()
    if form.fields[index].removed {
      form.fields[index].isSet = false
      form.fields[index].editor = LineEditor()
    }
  case .toggleOption:
    guard form.fields[index].kind == .toggle else { break }
    form.fields[index].editor = LineEditor(form.fields[index].isOn ? "no" : "yes")
  case .insert(" ") where form.fields[index].kind == .toggle:
    form.fields[index].editor = LineEditor(form.fields[index].isOn ? "no" : "yes")
  case .cycleOption, .cycleOptionBack:
    guard case .choice(let options) = form.fields[index].kind else { break }
    let current = options.firstIndex(of: form.fields[index].value) ?? -1
    let step = action == .cycleOption ? 1 : options.count - 1
    let next = options[(current + step + options.count) % options.count]
    if form.purpose == .createConnection {
      form = .createConnection(type: next, keeping: form)
    } else {
      form.fields[index].editor = LineEditor(next)
    }
  default: edit(&form, action)
  }
  state.overlay = .form(form)
  return []
}

/// Ctrl-S or Enter: the form's commands (or Workspace request) go to the runtime, which
/// answers with the outcome; fields that do not pass are marked and the form stays.
private func submit(_ state: inout AppState, _ form: Form) -> [Effect] {
  var form = form
  switch form.commands(in: state.workspace) {
  case .failure(let invalid):
    form = invalid.form
    form.error = "fix the marked fields"
    state.overlay = .form(form)
    return []
  case .success(let commands):
    let effect: Effect
    if let request = form.workspaceRequest {
      effect = .workspace(request)
    } else if commands.isEmpty {
      state.overlay = nil
      state.message = Message(text: "nothing changed", isError: false)
      return []
    } else {
      effect = .apply(commands, confirmed: false)
    }
    form.saving = true
    form.error = nil
    state.overlay = .form(form)
    return [effect]
  }
}

/// A line-editing key in the focused text field; a typed connection type re-lays the form.
private func edit(_ form: inout Form, _ action: Action) {
  let index = form.focus
  let field = form.fields[index]
  guard field.kind != .readOnly, field.kind != .toggle else { return }
  guard form.fields[index].editor.apply(action) else { return }
  form.fields[index].isSet = true
  form.fields[index].removed = false
  form.fields[index].error = nil
  if field.name == "conn_type", form.purpose == .createConnection,
    ConnectionTypeCatalogue.type(form.fields[index].value) != nil
  {
    form = .createConnection(type: form.fields[index].value, keeping: form)
  }
}
