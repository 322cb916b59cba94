import AirenvUI
import CNcurses
import Foundation

/// The ncurses screen: draws a `ScreenBuffer` by writing only the cells that changed since
/// the last frame, reads keys, maps semantic styles to colours at the terminal's depth.
/// Keep it on one thread; ncurses' state is global.
public final class Terminal {
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
    setlocale(LC_ALL, "")
    if let codeset = airenv_codeset(), !String(cString: codeset).uppercased().contains("UTF-8") {
      // Without a UTF-8 locale ncursesw garbles non-ASCII text; C.UTF-8 always exists.
      setlocale(LC_CTYPE, "C.UTF-8")
    }
    guard let screen = airenv_newterm(term) else { throw .unknownTerminal(term) }
    self.screen = screen
    set_term(screen)
    guard airenv_can_address_cursor() == 1 else {
      endwin()
      delscreen(screen)
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
  }

  deinit { close() }

  private var closed = false

  /// Gives the terminal back as it was.
  public func close() {
    guard !closed else { return }
    closed = true
    endwin()
    delscreen(screen)
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

  /// Writes the cells that differ from the last frame, in runs of one style.
  public func draw(_ buffer: ScreenBuffer) {
    let full = previous == nil || previous!.width != buffer.width || previous!.height != buffer.height
    if full { erase() }
    for y in 0..<buffer.height {
      var x = 0
      while x < buffer.width {
        let cell = buffer[x, y]
        if !full && previous![x, y] == cell {
          x += 1
          continue
        }
        var run: [wchar_t] = []
        let start = x
        let role = cell.role
        let bold = cell.bold
        while x < buffer.width {
          let next = buffer[x, y]
          guard next.role == role, next.bold == bold, full || previous![x, y] != next || next.character == nil
          else { break }
          if let character = next.character {
            run.append(contentsOf: character.unicodeScalars.map { wchar_t(bitPattern: $0.value) })
          }
          x += 1
        }
        var attribute = attributes[role] ?? airenv_attribute_normal()
        if bold { attribute |= airenv_attribute_bold() }
        attrset(Int32(bitPattern: attribute))
        run.append(0)
        mvaddnwstr(Int32(y), Int32(start), run, Int32(run.count - 1))
      }
    }
    attrset(Int32(bitPattern: airenv_attribute_normal()))
    refresh()
    previous = buffer
  }

  /// Forgets the last frame, so the next draw writes every cell (after a resize).
  public func invalidate() { previous = nil }

  // MARK: Keys

  /// The next key, or nil when none came within `timeout` milliseconds.
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
