import AirenvModel
import Foundation

/// The first screen when a git merge left the Workspace in conflict (two objects or
/// Deployments of one name, references to a Deployment deleted on the other side): a banner
/// saying so, each conflict with the files involved, and the ways to settle it — the choices of
/// `airenv conflicts resolve`, each one change. Until the duplicates are settled nothing else
/// opens, since no Deployment they touch has one meaning; dangling references alone may be left
/// for later.
public struct ConflictScreen: Equatable, Sendable {
  /// One row the cursor can rest on: one side of a duplicate, or a conflict of dangling
  /// references as a whole.
  struct Row: Equatable, Sendable {
    var conflict: Int
    /// The object or Deployment this row stands for; nil for dangling references.
    var id: String?
    var file: String
    var summary: String
  }

  enum Mode: Equatable, Sendable {
    case browsing
    /// The model's question before a settlement that deletes: "yes" carries it out confirmed.
    case confirming(question: String, settlement: Settlement)
    /// Typing a new name for the object or Deployment `id`.
    case renaming(id: String, editor: LineEditor)
  }

  public private(set) var conflicts: [Conflict]
  /// The names of the Deployments each conflict makes ambiguous.
  private(set) var affectedDeployments: [[String]] = []
  private(set) var rows: [Row]
  var selection = 0
  var mode = Mode.browsing
  public var width: Int
  public var height: Int
  let ascii: Bool
  let workspaceName: String
  /// The outcome of the last settlement, or why it failed.
  public var message: Message?
  /// The rename last sent (a `.renaming` mode), given back for another try if it is refused.
  private var sentRename: Mode?

  public init(workspace: Workspace, width: Int, height: Int, ascii: Bool) {
    self.width = width
    self.height = height
    self.ascii = ascii
    workspaceName = workspace.name
    conflicts = []
    rows = []
    show(workspace)
  }

  /// Shows the conflicts of `workspace` (after a settlement, what is left), keeping the cursor
  /// near where it was.
  public mutating func show(_ workspace: Workspace) {
    conflicts = workspace.conflicts()
    sentRename = nil
    let names = workspace.deploymentNamesByID
    affectedDeployments = conflicts.map { conflict in
      Array(Set(conflict.deployments.map { names[$0] ?? $0 })).sorted()
    }
    rows = conflicts.enumerated().flatMap { index, conflict in
      Self.rows(of: conflict, at: index, in: workspace)
    }
    selection = min(selection, max(0, rows.count - 1))
    // A name being typed survives a change made elsewhere while its row is still there; a
    // question may no longer be true, so it is not.
    if case .renaming(let id, _) = mode, rows.contains(where: { $0.id == id }) { return }
    mode = .browsing
  }

  /// Whether the Workspace may open: no duplicate is left (dangling references change no other
  /// Deployment's set).
  public var mayContinue: Bool { !conflicts.contains { $0.kind == .duplicate } }

  public enum Outcome: Equatable, Sendable {
    case stay
    /// Carry out the settlement; unconfirmed, the model answers a deletion with its question
    /// (shown with `ask`).
    case settle(Settlement, confirmed: Bool)
    /// Open the Workspace (only when `mayContinue`).
    case proceed
    case quit
    /// Repaint the whole screen (Ctrl-L).
    case redraw
  }

  public mutating func handle(_ key: Key) -> Outcome {
    switch mode {
    case .browsing: return browse(key)
    case .confirming(_, let settlement):
      switch Keymap.action(for: key, in: .confirm) {
      case .confirmYes?:
        mode = .browsing
        return .settle(settlement, confirmed: true)
      case .confirmNo?, .open?:
        // Enter chooses the focused button, and No is focused.
        mode = .browsing
        message = Message(text: "nothing changed", isError: false)
      case .quit?: return .quit
      case .redraw?: return .redraw
      default: break
      }
    case .renaming(let id, var editor):
      let action = Keymap.action(for: key, in: .line)
      switch action {
      case .submit?:
        let name = editor.text.trimmingCharacters(in: .whitespaces)
        if name.isEmpty {
          message = Message(text: "type the new name, or Esc to cancel", isError: true)
          return .stay
        }
        mode = .browsing
        sentRename = .renaming(id: id, editor: editor)
        return .settle(.rename(id: id, to: name), confirmed: false)
      case .back?:
        mode = .browsing
      case .quit?: return .quit
      case .redraw?: return .redraw
      case let action?:
        _ = editor.apply(action)
        mode = .renaming(id: id, editor: editor)
      case nil: break
      }
    }
    return .stay
  }

  private mutating func browse(_ key: Key) -> Outcome {
    message = nil
    switch Keymap.action(for: key, in: .conflicts) {
    case .moveUp?: selection = max(0, selection - 1)
    case .moveDown?: selection = min(max(0, rows.count - 1), selection + 1)
    case .pageUp?: selection = max(0, selection - max(1, height - 6))
    case .pageDown?: selection = min(max(0, rows.count - 1), selection + max(1, height - 6))
    case .keepOne?:
      guard let row = selected, let id = row.id else {
        message = Message(text: "choose one of two with the same name to keep", isError: true)
        return .stay
      }
      return .settle(.keep(id: id), confirmed: false)
    case .rename?: startRenaming()
    case .dropDangling?:
      guard conflicts.contains(where: { $0.kind == .dangling }) else {
        message = Message(text: "no reference names a Deployment that is gone", isError: true)
        return .stay
      }
      return .settle(.dropDangling, confirmed: false)
    case .back?:
      guard mayContinue else {
        message = Message(text: "settle every duplicate first (or q to quit)", isError: true)
        return .stay
      }
      return .proceed
    case .quit?: return .quit
    case .redraw?: return .redraw
    default: break
    }
    return .stay
  }

  private var selected: Row? { rows.indices.contains(selection) ? rows[selection] : nil }

  /// Shows the model's question before `settlement`, with No focused.
  public mutating func ask(_ question: String, before settlement: Settlement) {
    mode = .confirming(question: question, settlement: settlement)
  }

  /// Shows why the last settlement was refused; a refused rename is offered again as typed.
  public mutating func refused(_ reason: String) {
    message = Message(text: reason, isError: true)
    if let sentRename { mode = sentRename }
    sentRename = nil
  }

  private mutating func startRenaming() {
    guard let row = selected, let id = row.id else {
      message = Message(text: "choose one of two with the same name to rename", isError: true)
      return
    }
    mode = .renaming(id: id, editor: LineEditor(conflicts[row.conflict].name))
  }

  // MARK: Rows

  private static func rows(of conflict: Conflict, at index: Int, in workspace: Workspace) -> [Row] {
    guard conflict.kind == .duplicate else {
      return [
        Row(conflict: index, id: nil, file: conflict.files.joined(separator: " "), summary: conflict.reason)
      ]
    }
    return zip(conflict.ids, conflict.files).map { id, file in
      Row(
        conflict: index, id: id, file: file,
        summary: summary(of: id, subject: conflict.subject, in: workspace))
    }
  }

  /// What tells two of one name apart, without a secret: who last changed it and when, its
  /// links, and for a connection its type and host.
  private static func summary(of id: String, subject: String, in workspace: Workspace) -> String {
    func changed(_ stamp: Stamp) -> String {
      "changed by \(stamp.updatedBy) "
        + stamp.updatedAt.ISO8601Format().prefix(16).replacingOccurrences(of: "T", with: " ")
    }
    func linked<P>(_ object: EnvironmentObject<P>) -> String {
      object.linkedToAll ? "linked to all" : "\(object.links.count) links"
    }
    switch subject {
    case "connection":
      guard let connection = workspace.connections.first(where: { $0.id == id }) else { return "" }
      let host = connection.base.fields[.host].map { ", host \($0)" } ?? ""
      return "\(connection.base.connType)\(host), \(linked(connection)), \(changed(connection.stamp))"
    case "variable":
      guard let variable = workspace.variables.first(where: { $0.id == id }) else { return "" }
      return "\(linked(variable)), \(changed(variable.stamp))"
    default:
      guard let deployment = workspace.deployments.first(where: { $0.id == id }) else { return "" }
      return changed(deployment.stamp)
    }
  }

  // MARK: Drawing

  public func render() -> ScreenBuffer {
    var screen = ScreenBuffer(width: width, height: height)
    let glyphs = Glyphs(ascii: ascii)
    screen.fill(x: 0, y: 0, width: width, height: 1, role: .header)
    screen.put(
      " airenv " + glyphs.vertical + " " + workspaceName + " " + glyphs.vertical + " merge conflicts",
      x: 0, y: 0, role: .header, bold: true)
    let duplicates = conflicts.filter { $0.kind == .duplicate }.count
    let banner = [
      " A git merge left \(counted(conflicts.count, "conflict")) in this Workspace.",
      duplicates > 0
        ? " Settle each duplicate to open it; until then resolve, export and delivery refuse what it touches."
        : " Drop the dangling references, or Esc to open the Workspace and settle them later.",
    ]
    // A short terminal gives the banner's rows to the conflicts.
    let shownBanner = height >= 10 ? banner : height >= 7 ? [banner[0]] : []
    for (line, text) in shownBanner.enumerated() {
      screen.fill(x: 0, y: 1 + line, width: width, height: 1, role: .warning)
      screen.put(glyphs.fit(text, width), x: 0, y: 1 + line, role: .warning, bold: true)
    }

    // Each conflict's heading above its rows, scrolled so that the selected row shows (with
    // its heading when there is room) however few rows the terminal has.
    var lines: [(text: String, role: StyleRole, bold: Bool)] = []
    var selectedLine = 0
    var lastConflict = -1
    for (index, row) in rows.enumerated() {
      if row.conflict != lastConflict {
        let conflict = conflicts[row.conflict]
        let affected = affectedDeployments[row.conflict]
        let heading =
          " \(conflict.subject) \(conflict.name) " + glyphs.vertical + " " + conflict.reason
          + (affected.isEmpty ? "" : " " + glyphs.vertical + " affects " + affected.joined(separator: ", "))
        lines.append((heading, .title, true))
        lastConflict = row.conflict
      }
      if index == selection { selectedLine = lines.count }
      let line = "   " + row.file + (row.summary.isEmpty || row.id == nil ? "" : "  " + row.summary)
      lines.append((line, index == selection ? .selection : .text, false))
    }
    let top = height >= 10 ? 4 : 1 + shownBanner.count
    let visible = max(1, height - 3 - top)
    let first = max(0, min(selectedLine - visible / 2, lines.count - visible))
    for (offset, line) in lines.dropFirst(first).prefix(visible).enumerated() where top + offset < height {
      screen.put(glyphs.fit(line.text, width), x: 0, y: top + offset, role: line.role, bold: line.bold)
    }

    let footer = height - 2
    screen.fill(x: 0, y: footer, width: width, height: 1, role: .footer)
    func keys(_ list: [(String, String)]) {
      var x = 1
      for (key, summary) in list {
        x = screen.put(key, x: x, y: footer, role: .key, bold: true)
        x = screen.put(" " + summary + "  ", x: x, y: footer, role: .footer)
      }
    }
    switch mode {
    case .browsing:
      keys([("↑↓", "move")] + Keymap.footer(for: .conflicts))
    case .confirming(let question, _):
      if width >= 40 && height >= 12 {
        drawConfirmation(question, yesFocused: false, on: &screen, glyphs)
        keys(Keymap.footer(for: .confirm))
      } else {
        let x = screen.put(" " + question + " ", x: 0, y: footer, role: .warning, bold: true)
        screen.put("[No] y = yes", x: x, y: footer, role: .key, bold: true)
      }
    case .renaming(_, let editor):
      let label = " new name: "
      let x = screen.put(label, x: 0, y: footer, role: .footer, bold: true)
      let (shown, _) = editor.window(width: max(1, width - x - 24))
      let end = screen.put(shown, x: x, y: footer, role: .inputFocused)
      screen.put("  Enter rename  Esc cancel", x: end, y: footer, role: .footer)
    }
    if let message {
      screen.put(" " + message.text, x: 0, y: height - 1, role: message.isError ? .error : .success)
    }
    if ascii { screen.restrictToASCII() }
    return screen
  }

  private func counted(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }
}
