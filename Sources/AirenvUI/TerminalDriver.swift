/// What the runtime needs of a terminal: its size, a frame to show, the next key. ncurses is
/// one implementation (`AirenvTerminal.Terminal`); tests drive the runtime with a scripted one.
public protocol TerminalDriver: AnyObject {
  var size: (width: Int, height: Int) { get }
  /// Shows `buffer`, writing only what differs from the frame shown before.
  func draw(_ buffer: ScreenBuffer)
  /// The next key, or nil when none came within `timeout` milliseconds.
  func readKey(timeout milliseconds: Int32) -> Key?
  /// Forgets the last frame, so the next draw writes every cell (after a resize).
  func invalidate()
  /// Forgets the last frame and clears the terminal, so the next draw repaints every cell
  /// whatever the terminal shows now (Ctrl-L).
  func repaint()
}
