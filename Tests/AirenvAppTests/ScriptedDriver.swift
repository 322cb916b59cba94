import AirenvUI

/// A terminal for the runtime that plays a script: keys, idle moments (a read that times out,
/// when the runtime polls the repository), and work done between keys (another process's
/// change). It keeps every frame drawn; the runtime stops when the script is played.
final class ScriptedDriver: TerminalDriver {
  enum Step {
    case key(Key)
    case idle
    case run(() throws -> Void)
  }

  var size: (width: Int, height: Int)
  private var script: [Step]
  private(set) var frames: [ScreenBuffer] = []
  private(set) var repaints = 0
  private(set) var invalidations = 0
  /// A failure inside a `.run` step, reported by the test after the runtime returns.
  private(set) var failure: (any Error)?

  init(width: Int = 100, height: Int = 30, script: [Step]) {
    size = (width, height)
    self.script = script
  }

  /// Typed text: one key per character.
  static func typing(_ text: String) -> [Step] { text.map { .key(.character($0)) } }

  var played: Bool { script.isEmpty }
  var screen: String { frames.last?.text ?? "" }

  func draw(_ buffer: ScreenBuffer) { frames.append(buffer) }
  func invalidate() { invalidations += 1 }
  func repaint() { repaints += 1 }

  func readKey(timeout milliseconds: Int32) -> Key? {
    // A read that does not wait (the runtime draining keys already typed) gets only keys: an
    // idle moment or another process's work stays for the next read that waits.
    if milliseconds == 0 {
      guard case .key? = script.first else { return nil }
    }
    while !script.isEmpty {
      switch script.removeFirst() {
      case .key(let key):
        if key == .resize { size = (size.width - 20, size.height - 6) }
        return key
      case .idle: return nil
      case .run(let work):
        do { try work() } catch { failure = error }
      }
    }
    return nil
  }
}
