/// Where the user is, which decides what a key means.
public enum KeyContext: String, CaseIterable, Sendable {
  case list = "Lists"
  case matrix = "Linking matrix"
  case resolved = "Resolved view"
  case form = "Forms and editing"
  case line = "Filter and command line"
  case confirm = "Confirmation"
  case help = "Help"
  case tooSmall = "Terminal too small"
  case picker = "Workspace picker"
  case workspaces = "Workspaces"
  case conflicts = "Merge conflicts"
}

/// One row of the keymap: keys, what they do, where, and whether the footer shows them.
public struct Binding: Sendable {
  public var keys: [Key]
  public var action: Action
  public var summary: String
  public var contexts: Set<KeyContext>
  public var footer: Bool
}

/// The keymap is data: the same table turns keys into actions, writes the footer hints and
/// the `?` help overlay, so the three never disagree.
public enum Keymap {
  static let browsing: Set<KeyContext> = [.list, .matrix, .resolved]
  static let scrolling: Set<KeyContext> = browsing.union([.help, .picker, .workspaces, .conflicts])
  /// Where text is edited: form fields, and the filter and command lines.
  static let editing: Set<KeyContext> = [.form, .line]

  public static let bindings: [Binding] = [
    Binding(
      keys: [.control("l")], action: .redraw, summary: "redraw the whole screen",
      contexts: Set(KeyContext.allCases),
      footer: false),
    Binding(
      keys: [.character("q"), .control("c")], action: .quit,
      summary: "quit (nothing else acts until it grows)",
      contexts: [.tooSmall], footer: false),
    Binding(
      keys: [.up, .character("k")], action: .moveUp, summary: "move up", contexts: scrolling, footer: false),
    Binding(
      keys: [.down, .character("j")], action: .moveDown, summary: "move down", contexts: scrolling,
      footer: false),
    Binding(
      keys: [.left, .character("h")], action: .moveLeft, summary: "move left", contexts: [.matrix],
      footer: false),
    Binding(
      keys: [.right, .character("l")], action: .moveRight, summary: "move right", contexts: [.matrix],
      footer: false),
    Binding(keys: [.pageUp], action: .pageUp, summary: "page up", contexts: scrolling, footer: false),
    Binding(keys: [.pageDown], action: .pageDown, summary: "page down", contexts: scrolling, footer: false),
    Binding(
      keys: [.home, .character("g")], action: .moveHome, summary: "first row",
      contexts: browsing.union([.workspaces]),
      footer: false),
    Binding(
      keys: [.end, .character("G")], action: .moveEnd, summary: "last row", contexts: [.list, .matrix],
      footer: false),
    Binding(keys: [.tab], action: .nextTab, summary: "next tab", contexts: [.list, .matrix], footer: false),
    Binding(
      keys: [.backTab], action: .previousTab, summary: "previous tab", contexts: [.list, .matrix],
      footer: false),
    Binding(
      keys: [.character("1")], action: .selectTab(.connections), summary: "Connections tab",
      contexts: [.list, .matrix], footer: false),
    Binding(
      keys: [.character("2")], action: .selectTab(.variables), summary: "Variables tab",
      contexts: [.list, .matrix], footer: false),
    Binding(
      keys: [.character("3")], action: .selectTab(.deployments), summary: "Deployments tab",
      contexts: [.list], footer: false),
    Binding(
      keys: [.enter], action: .open, summary: "open (edit; a Deployment's resolved set)", contexts: [.list],
      footer: true),
    Binding(
      keys: [.enter], action: .open, summary: "an entry in full (History)", contexts: [.resolved],
      footer: false),
    Binding(
      keys: [.enter], action: .open, summary: "open the Workspace", contexts: [.picker, .workspaces],
      footer: true
    ),
    Binding(
      keys: [.character("/")], action: .startFilter,
      summary: "filter (lists, matrix, history; an @word narrows the Deployments)",
      contexts: browsing,
      footer: true),
    Binding(
      keys: [.character(":")], action: .startCommand,
      summary: "command line (" + CommandVerb.usages + ")",
      contexts: browsing, footer: false),
    Binding(
      keys: [.character("n")], action: .new, summary: "new", contexts: [.list, .workspaces], footer: true),
    Binding(keys: [.character("e")], action: .edit, summary: "edit", contexts: [.list], footer: true),
    Binding(
      keys: [.character("p")], action: .showPlan,
      summary: "plan: what applying would change",
      contexts: [.list],
      footer: false),
    Binding(
      keys: [.character("A")], action: .deliver,
      summary: "apply the plan to the target (asks first)", contexts: [.list, .resolved],
      footer: false),
    Binding(
      keys: [.character("R")], action: .rename, summary: "rename (a conn_id, a key, a Deployment)",
      contexts: [.list, .workspaces], footer: false),
    Binding(
      keys: [.character("K")], action: .keepOne, summary: "keep this one, delete the other",
      contexts: [.conflicts], footer: true),
    Binding(
      keys: [.character("R")], action: .rename, summary: "rename this one", contexts: [.conflicts],
      footer: true),
    Binding(
      keys: [.character("x")], action: .dropDangling,
      summary: "drop dangling references", contexts: [.conflicts], footer: true),
    Binding(
      keys: [.escape], action: .back, summary: "open the Workspace",
      contexts: [.conflicts], footer: true),
    Binding(
      keys: [.character("d")], action: .delete, summary: "delete", contexts: [.list, .workspaces],
      footer: true),
    Binding(
      keys: [.character("m")], action: .toggleMatrix, summary: "linking matrix / back to the list",
      contexts: [.list, .matrix], footer: true),
    Binding(
      keys: [.character(" ")], action: .toggleLink,
      summary: "link / unlink (exclude / include when linked to all)", contexts: [.matrix], footer: true),
    Binding(
      keys: [.character("a")], action: .toggleLinkedToAll, summary: "toggle Linked to all Deployments",
      contexts: [.list, .matrix], footer: true),
    Binding(
      keys: [.character("o")], action: .overrideForm, summary: "override form for this cell",
      contexts: [.matrix], footer: true),
    Binding(
      keys: [.character("c")], action: .clearOverride, summary: "clear this cell's overrides",
      contexts: [.matrix], footer: true),
    Binding(
      keys: [.character("u")], action: .undo, summary: "undo your last change", contexts: browsing,
      footer: false),
    Binding(
      keys: [.control("r")], action: .redo, summary: "redo what you undid", contexts: browsing, footer: false),
    Binding(
      keys: [.character("H")], action: .showHistory, summary: "history of changes, newest first",
      contexts: browsing,
      footer: false),
    Binding(
      keys: [.character("W")], action: .showWorkspaces, summary: "Workspaces: open, create, rename, delete",
      contexts: browsing, footer: false),
    Binding(
      keys: [.character("r")], action: .toggleReveal, summary: "reveal / hide secrets", contexts: browsing,
      footer: true),
    Binding(
      keys: [.escape], action: .back, summary: "back / cancel (never quits)",
      contexts: browsing.union([.help, .workspaces]), footer: false),
    Binding(
      keys: [.character("q")], action: .quit, summary: "quit", contexts: [.list, .picker, .conflicts],
      footer: true),
    Binding(
      keys: [.character("q")], action: .back, summary: "back (q quits from the lists)",
      contexts: [.matrix, .resolved, .help, .workspaces], footer: true),
    Binding(
      keys: [.control("c")], action: .quit, summary: "quit from anywhere",
      contexts: browsing.union([.help, .picker, .workspaces, .conflicts, .form, .line, .confirm]),
      footer: false),
    Binding(
      keys: [.character("?")], action: .help, summary: "help",
      contexts: browsing.union([.help, .workspaces]),
      footer: true
    ),

    Binding(keys: [.tab, .down], action: .nextField, summary: "next field", contexts: [.form], footer: true),
    Binding(
      keys: [.backTab, .up], action: .previousField, summary: "previous field", contexts: [.form],
      footer: false),
    Binding(
      keys: [.control("s"), .enter], action: .submit, summary: "save", contexts: [.form], footer: true),
    Binding(
      keys: [.control("d")], action: .clearField, summary: "override: inherit the base again",
      contexts: [.form], footer: true),
    Binding(
      keys: [.control("x")], action: .toggleRemoval,
      summary: "override form: remove an inherited extra key here, or keep it", contexts: [.form],
      footer: false),
    Binding(
      keys: [.control("t")], action: .toggleOption, summary: "toggle a yes/no field", contexts: [.form],
      footer: false),
    Binding(
      keys: [.control("p")], action: .cycleOptionBack, summary: "previous choice (connection type)",
      contexts: [.form], footer: false),
    Binding(
      keys: [.control("n")], action: .cycleOption, summary: "next choice (connection type)",
      contexts: [.form], footer: false),
    Binding(keys: [.left], action: .moveLeft, summary: "cursor left", contexts: editing, footer: false),
    Binding(keys: [.right], action: .moveRight, summary: "cursor right", contexts: editing, footer: false),
    Binding(
      keys: [.home, .control("a")], action: .cursorStart, summary: "start of line", contexts: editing,
      footer: false),
    Binding(
      keys: [.end, .control("e")], action: .cursorEnd, summary: "end of line", contexts: editing,
      footer: false),
    Binding(
      keys: [.backspace], action: .deleteBackward, summary: "delete backward", contexts: editing,
      footer: false),
    Binding(
      keys: [.delete], action: .deleteForward, summary: "delete forward", contexts: editing, footer: false),
    Binding(
      keys: [.control("u")], action: .killToStart, summary: "delete to start of line", contexts: editing,
      footer: false),
    Binding(
      keys: [.control("k")], action: .killToEnd, summary: "delete to end of line", contexts: editing,
      footer: false),
    Binding(
      keys: [.control("w")], action: .killWord, summary: "delete the previous word", contexts: editing,
      footer: false),
    Binding(keys: [.escape], action: .back, summary: "cancel", contexts: [.form], footer: true),

    Binding(
      keys: [.enter], action: .submit, summary: "apply (keep the filter; run the command)", contexts: [.line],
      footer: true),
    Binding(
      keys: [.escape], action: .back, summary: "cancel (a filter is cleared)", contexts: [.line], footer: true
    ),

    Binding(keys: [.character("y")], action: .confirmYes, summary: "yes", contexts: [.confirm], footer: true),
    Binding(
      keys: [.character("n"), .escape], action: .confirmNo, summary: "no", contexts: [.confirm], footer: true),
    Binding(
      keys: [.left, .right, .tab], action: .moveRight, summary: "switch between No and Yes",
      contexts: [.confirm], footer: false),
    Binding(
      keys: [.enter], action: .open, summary: "choose the focused button", contexts: [.confirm], footer: true),
  ]

  /// The action for a key where the user is; printable characters in a form are text.
  public static func action(for key: Key, in context: KeyContext) -> Action? {
    if let binding = bindings.first(where: { $0.contexts.contains(context) && $0.keys.contains(key) }) {
      return binding.action
    }
    if editing.contains(context), case .character(let character) = key { return .insert(character) }
    return nil
  }

  public static func footer(for context: KeyContext) -> [(String, String)] {
    bindings.filter { $0.footer && $0.contexts.contains(context) }.map { ($0.keys[0].label, $0.summary) }
  }
}
