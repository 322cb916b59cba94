import AirenvUI
import CFatalSignal
import CNcurses
import Foundation

/// The ncurses screen: draws a `ScreenBuffer` by writing only the cells that changed since
/// the last frame, reads keys, maps semantic styles to colours at the terminal's depth.
/// Keep it on one thread; ncurses' state is global.
public final class Terminal: TerminalDriver {
  private let screen: OpaquePointer
  private var previous: ScreenBuffer?
  private var attributes: [StyleRole: attr_t] = [:]
  private let theme: Theme
  public let colorDepth: Int

  /// Opens the terminal; refuses, rather than hangs or crashes, where it cannot work.
  public init(theme: Theme, useColor: Bool, environment: [String: String]) throws(TerminalError) {
    guard isatty(0) == 1, isatty(1) == 1 else { throw .notATerminal }
    let term = environment["TERM"] ?? ""
    guard !term.isEmpty else { throw .unknownTerminal(term) }
    // Before ncurses changes the terminal: its settings are what a fatal error restores.
    airenv_fatal_signal_prepare()
    setlocale(LC_ALL, "")
    if let codeset = airenv_codeset(), !String(cString: codeset).uppercased().contains("UTF-8") {
      // Without a UTF-8 locale ncursesw garbles non-ASCII text; C.UTF-8 always exists.
      setlocale(LC_CTYPE, "C.UTF-8")
    }
    guard let screen = airenv_newterm(term) else {
      airenv_fatal_signal_disarm()
      throw .unknownTerminal(term)
    }
    self.screen = screen
    set_term(screen)
    guard airenv_can_address_cursor() == 1 else {
      endwin()
      delscreen(screen)
      airenv_fatal_signal_disarm()
      throw .cannotAddressCursor(term)
    }
    self.theme = theme
    raw()
    noecho()
    nonl()
    keypad(airenv_stdscr(), true)
    set_escdelay(25)
    curs_set(0)
    if useColor && has_colors() {
      start_color()
      use_default_colors()
      colorDepth = Int(airenv_colors())
    } else {
      colorDepth = 0
    }
    prepareStyles()
    armFatalSignals(removing: nil)
  }

  /// What a fatal signal writes to give the terminal back: leave the alternate screen, show
  /// the cursor, default attributes (from the terminal's own description).
  private var resetSequence: String {
    ["rmcup", "cnorm", "sgr0"].compactMap { name -> String? in
      guard let value = tigetstr(name), Int(bitPattern: value) != -1 else { return nil }
      return String(cString: value)
    }.joined()
  }

  private func armFatalSignals(removing directory: String?) {
    _ = resetSequence.withCString { reset in
      if let directory {
        directory.withCString { airenv_fatal_signal_arm(reset, $0) }
      } else {
        airenv_fatal_signal_arm(reset, nil)
      }
    }
  }

  /// A directory (a demo repository) that a fatal error removes as well.
  public func removeOnFatalSignal(_ directory: String) { armFatalSignals(removing: directory) }

  deinit { close() }

  private var closed = false

  /// Gives the terminal back as it was.
  public func close() {
    guard !closed else { return }
    closed = true
    endwin()
    delscreen(screen)
    airenv_fatal_signal_disarm()
  }

  public var size: (width: Int, height: Int) { (Int(airenv_columns()), Int(airenv_lines())) }

  // MARK: Colours

  private func prepareStyles() {
    let pairs = Int(airenv_color_pairs())
    for (offset, role) in StyleRole.allCases.enumerated() {
      let style = theme.style(role)
      var attribute = airenv_attribute_normal()
      if style.bold { attribute |= airenv_attribute_bold() }
      if style.reverse { attribute |= airenv_attribute_reverse() }
      if style.underline { attribute |= airenv_attribute_underline() }
      if colorDepth > 0 && offset + 1 < pairs {
        init_pair(Int16(offset + 1), color(style.foreground), color(style.background))
        attribute |= attr_t(COLOR_PAIR(Int32(offset + 1)))
      } else if [.selection, .tabActive, .header, .inputFocused, .footer].contains(role) {
        // Monochrome: reverse video is what marks the cursor and the bars.
        attribute |= airenv_attribute_reverse()
      } else if [.excluded, .overridden, .error, .title, .key].contains(role) {
        attribute |= airenv_attribute_bold()
      }
      attributes[role] = attribute
    }
  }

  /// A theme colour at this terminal's depth (256, 16, 8).
  private func color(_ color: ThemeColor) -> Int16 {
    switch color {
    case .terminalDefault: return -1
    case .index(let index):
      if colorDepth >= 256 || index < min(colorDepth, 16) { return Int16(index) }
      return Int16(nearestBasic(Self.rgb(ofIndex: index)))
    case .rgb(let red, let green, let blue):
      if colorDepth >= 256 {
        return Int16(16 + 36 * (red * 6 / 256) + 6 * (green * 6 / 256) + blue * 6 / 256)
      }
      return Int16(nearestBasic((red, green, blue)))
    }
  }

  private func nearestBasic(_ rgb: (Int, Int, Int)) -> Int {
    let count = colorDepth >= 16 ? 16 : 8
    return (0..<count).min { a, b in distance(Self.rgb(ofIndex: a), rgb) < distance(Self.rgb(ofIndex: b), rgb)
    }!
  }

  private func distance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
    (a.0 - b.0) * (a.0 - b.0) + (a.1 - b.1) * (a.1 - b.1) + (a.2 - b.2) * (a.2 - b.2)
  }

  /// The xterm palette.
  static func rgb(ofIndex index: Int) -> (Int, Int, Int) {
    let basic = [
      (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
      (229, 229, 229),
      (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255),
      (255, 255, 255),
    ]
    if index < 16 { return basic[index] }
    if index >= 232 {
      let level = 8 + (index - 232) * 10
      return (level, level, level)
    }
    let cube = index - 16
    let levels = [0, 95, 135, 175, 215, 255]
    return (levels[cube / 36], levels[(cube / 6) % 6], levels[cube % 6])
  }

  // MARK: Drawing

  /// Writes the cells that differ from the last frame (`ScreenBuffer.changes`), run by run.
  /// Each run is placed explicitly and measured by the same rule as the buffer (`CellWidth`,
  /// glibc's wcwidth), so no character can push another out of its place.
  public func draw(_ buffer: ScreenBuffer) {
    if previous == nil || previous!.width != buffer.width || previous!.height != buffer.height { erase() }
    var text: [wchar_t] = []
    for run in buffer.changes(since: previous) {
      text.removeAll(keepingCapacity: true)
      for x in run.x..<(run.x + run.count) {
        guard let character = buffer[x, run.y].character else { continue }
        for scalar in character.unicodeScalars { text.append(wchar_t(bitPattern: scalar.value)) }
      }
      var attribute = attributes[run.role] ?? airenv_attribute_normal()
      if run.bold { attribute |= airenv_attribute_bold() }
      attrset(Int32(bitPattern: attribute))
      let count = Int32(text.count)
      text.append(0)
      mvaddnwstr(Int32(run.y), Int32(run.x), text, count)
    }
    attrset(Int32(bitPattern: airenv_attribute_normal()))
    refresh()
    previous = buffer
  }

  public func repaint() {
    previous = nil
    clearok(airenv_stdscr(), true)
  }

  public func invalidate() { previous = nil }

  // MARK: Keys

  public func readKey(timeout milliseconds: Int32) -> Key? {
    timeout(milliseconds)
    var value: wint_t = 0
    let result = get_wch(&value)
    if result == ERR { return nil }
    if result == KEY_CODE_YES {
      switch Int32(value) {
      case KEY_UP: return .up
      case KEY_DOWN: return .down
      case KEY_LEFT: return .left
      case KEY_RIGHT: return .right
      case KEY_PPAGE: return .pageUp
      case KEY_NPAGE: return .pageDown
      case KEY_HOME: return .home
      case KEY_END: return .end
      case KEY_BTAB: return .backTab
      case KEY_BACKSPACE: return .backspace
      case KEY_DC: return .delete
      case KEY_ENTER: return .enter
      case KEY_RESIZE: return .resize
      default: return nil
      }
    }
    switch value {
    case 27: return .escape
    case 9: return .tab
    case 10, 13: return .enter
    case 8, 127: return .backspace
    case 1...26: return .control(Character(Unicode.Scalar(UInt8(value) + 96)))
    default:
      guard let scalar = Unicode.Scalar(UInt32(value)) else { return nil }
      return .character(Character(scalar))
    }
  }
}
