/// The first screen when a repository holds several Workspaces and none is the default.
public struct WorkspacePicker: Equatable, Sendable {
  public var names: [String]
  public var selection = 0
  public var width: Int
  public var height: Int
  public var ascii: Bool

  public init(names: [String], width: Int, height: Int, ascii: Bool) {
    self.names = names
    self.width = width
    self.height = height
    self.ascii = ascii
  }

  public enum Outcome: Equatable, Sendable {
    case stay
    case open(String)
    case quit
    /// Repaint the whole screen (Ctrl-L).
    case redraw
  }

  /// A key, as the keymap's picker context reads it.
  public mutating func handle(_ key: Key) -> Outcome {
    switch Keymap.action(for: key, in: .picker) {
    case .moveUp?: selection = max(0, selection - 1)
    case .moveDown?: selection = min(names.count - 1, selection + 1)
    case .pageUp?: selection = max(0, selection - max(1, height - 4))
    case .pageDown?: selection = min(names.count - 1, selection + max(1, height - 4))
    case .open?: return names.isEmpty ? .stay : .open(names[selection])
    case .quit?: return .quit
    case .redraw?: return .redraw
    default: break
    }
    return .stay
  }

  public func render() -> ScreenBuffer {
    var screen = ScreenBuffer(width: width, height: height)
    let glyphs = Glyphs(ascii: ascii)
    screen.fill(x: 0, y: 0, width: width, height: 1, role: .header)
    screen.put(" airenv " + glyphs.vertical + " choose a Workspace", x: 0, y: 0, role: .header, bold: true)
    for (index, name) in names.enumerated() where index + 2 < height - 2 {
      let line = " " + glyphs.fit(name, min(60, width - 2))
      screen.put(line, x: 1, y: index + 2, role: index == selection ? .selection : .text)
    }
    screen.fill(x: 0, y: height - 2, width: width, height: 1, role: .footer)
    var x = 1
    for (key, summary) in [("↑↓", "move")] + Keymap.footer(for: .picker) {
      x = screen.put(key, x: x, y: height - 2, role: .key, bold: true)
      x = screen.put(" " + summary + "  ", x: x, y: height - 2, role: .footer)
    }
    screen.put("(`airenv workspace use NAME` sets a default)", x: x, y: height - 2, role: .footer)
    if ascii { screen.restrictToASCII() }
    return screen
  }
}
