import AirenvModel
import AirenvText

/// Draws a form: a label and an input per field, inline errors, and for an override form
/// each field's base value beside its override.
enum FormView {
  static func render(_ form: Form, state: AppState, into screen: inout ScreenBuffer, glyphs: Glyphs) {
    let width = min(state.width - 4, 96)
    let x = (state.width - width) / 2
    let visible = max(3, state.height - 7)
    let height = min(state.height - 2, form.fields.count + 4 + (form.isOverride ? 1 : 0))
    let y = max(1, (state.height - height) / 2)
    screen.fill(x: x, y: y, width: width, height: height, role: .text)
    let horizontal = String(repeating: glyphs.horizontal, count: width - 2)
    screen.put(
      (glyphs.ascii ? "+" : "┌") + horizontal + (glyphs.ascii ? "+" : "┐"), x: x, y: y, role: .border)
    screen.put(
      (glyphs.ascii ? "+" : "└") + horizontal + (glyphs.ascii ? "+" : "┘"), x: x, y: y + height - 1,
      role: .border)
    for row in (y + 1)..<(y + height - 1) {
      screen.put(glyphs.vertical, x: x, y: row, role: .border)
      screen.put(glyphs.vertical, x: x + width - 1, y: row, role: .border)
    }
    screen.put(" " + form.title + " ", x: x + 2, y: y, role: .title, bold: true)
    let labelWidth = form.isOverride ? 18 : 26
    let baseWidth = form.isOverride ? (width - labelWidth - 6) / 2 : 0
    let inputX = x + 2 + labelWidth + (form.isOverride ? baseWidth + 1 : 0)
    let inputWidth = x + width - 2 - inputX
    var row = y + 1
    if form.isOverride {
      screen.put(glyphs.fit("FIELD", labelWidth), x: x + 2, y: row, role: .muted, bold: true)
      screen.put(
        glyphs.fit("BASE (inherited)", baseWidth), x: x + 2 + labelWidth, y: row, role: .muted, bold: true)
      screen.put("OVERRIDE (Ctrl-D: inherit)", x: inputX, y: row, role: .muted, bold: true)
      row += 1
    }
    let first = max(0, min(form.focus - visible + 1, form.fields.count - visible))
    for (index, field) in form.fields.enumerated().dropFirst(first).prefix(
      max(1, height - 4 - (form.isOverride ? 1 : 0) + 1))
    {
      guard row < y + height - 2 else { break }
      let focused = index == form.focus
      screen.put(
        glyphs.fit(field.label, labelWidth), x: x + 2, y: row, role: focused ? .accent : .muted, bold: focused
      )
      if form.isOverride, let base = field.base {
        let shown = field.kind == .secret && !state.revealed && !base.isEmpty ? glyphs.mask : base
        screen.put(glyphs.fit(shown, baseWidth), x: x + 2 + labelWidth, y: row, role: .muted)
      }
      var text = field.value
      var cursorColumn: Int?
      if field.kind == .secret && !state.revealed {
        // A fixed width, whatever the secret's length; the cursor stays after it.
        text = field.value.isEmpty ? "" : glyphs.mask + (field.value != field.original ? " (edited)" : "")
        cursorColumn = CellWidth.of(text)
      } else if focused && (field.kind == .text || field.kind == .secret) {
        // The focused field's long value scrolls sideways around the cursor; others show their start.
        let shown = field.editor.window(width: inputWidth)
        text = shown.text
        cursorColumn = shown.cursorColumn
      }
      if field.kind == .toggle { text = field.isOn ? "[x] yes" : "[ ] no" }
      if case .choice = field.kind { text = "‹ " + text + " ›" }
      if form.isOverride && !field.isSet { text = "(inherits)" }
      if field.removed { text = "(removed here)" }
      let role: StyleRole = focused ? .inputFocused : (field.kind == .readOnly ? .muted : .input)
      screen.fill(x: inputX, y: row, width: inputWidth, height: 1, role: role)
      screen.put(glyphs.clip(text, inputWidth), x: inputX, y: row, role: role)
      if focused && (field.kind == .text || field.kind == .secret) && (field.isSet || !form.isOverride),
        let cursorColumn
      {
        screen.restyle(x: inputX + min(inputWidth - 1, cursorColumn), y: row, width: 1, role: .selection)
      }
      if let error = field.error {
        let message = " " + error
        screen.put(
          message, x: x + width - 2 - min(CellWidth.of(message), inputWidth), y: row, role: .error,
          maxWidth: inputWidth)
      }
      row += 1
    }
    let status = form.saving ? "saving…" : (form.error ?? hint(form))
    screen.put(
      status, x: x + 2, y: y + height - 2, role: form.error != nil ? .error : .muted, maxWidth: width - 4)
  }

  static func hint(_ form: Form) -> String {
    switch form.fields[form.focus].kind {
    case .toggle: return "Space or Ctrl-T toggles · Tab next · Ctrl-S save · Esc cancel"
    case .choice: return "Ctrl-N / Ctrl-P choose (or type) · Tab next · Ctrl-S save · Esc cancel"
    default:
      return form.isOverride
        ? "Tab next · ^D inherit · ^X remove key here · ^S save · Esc cancel"
        : "Tab next field · Ctrl-S or Enter save · Esc cancel"
    }
  }
}
