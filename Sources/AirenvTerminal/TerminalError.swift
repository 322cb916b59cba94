/// Why the terminal UI cannot start, and what to do instead.
public enum TerminalError: Error, Equatable, Sendable {
  case notATerminal
  case unknownTerminal(String)
  case cannotAddressCursor(String)

  public var message: String {
    switch self {
    case .notATerminal:
      "the terminal UI needs a terminal on standard input and output; run it in a terminal, "
        + "or use the CLI commands (see `airenv --help`)"
    case .unknownTerminal(let term):
      "TERM=\(term.isEmpty ? "(unset)" : term) is not a terminal type this system knows; "
        + "set TERM to e.g. xterm-256color, or install ncurses-term"
    case .cannotAddressCursor(let term):
      "TERM=\(term) cannot move the cursor, which the terminal UI needs; set TERM to e.g. xterm-256color"
    }
  }
}
