/// One line of editable text with a cursor: the editing keys every form field shares.
public struct LineEditor: Equatable, Sendable {
  public var text: String
  /// The cursor, in characters from the start.
  public var cursor: Int

  public init(_ text: String = "") {
    self.text = text
    cursor = text.count
  }

  /// Applies an editing action; returns false for actions that are not editing.
  public mutating func apply(_ action: Action) -> Bool {
    var characters = Array(text)
    switch action {
    case .insert(let character):
      characters.insert(character, at: cursor)
      cursor += 1
    case .deleteBackward:
      guard cursor > 0 else { return true }
      characters.remove(at: cursor - 1)
      cursor -= 1
    case .deleteForward:
      guard cursor < characters.count else { return true }
      characters.remove(at: cursor)
    case .moveLeft: cursor = max(0, cursor - 1)
    case .moveRight: cursor = min(characters.count, cursor + 1)
    case .cursorStart: cursor = 0
    case .cursorEnd: cursor = characters.count
    case .killToStart:
      characters.removeFirst(cursor)
      cursor = 0
    case .killToEnd:
      characters.removeLast(characters.count - cursor)
    case .killWord:
      var start = cursor
      while start > 0 && characters[start - 1] == " " { start -= 1 }
      while start > 0 && characters[start - 1] != " " { start -= 1 }
      characters.removeSubrange(start..<cursor)
      cursor = start
    default:
      return false
    }
    text = String(characters)
    return true
  }
}
