import AirenvModel
import AirenvText

/// One line of editable text with a cursor: the editing keys every form field shares.
///
/// The cursor sits between grapheme clusters, the characters a person sees. Text arrives one
/// code point at a time (a paste of `👍🏽` is two keys), and a code point may join the
/// character before it — a combining accent, a skin tone, a zero-width joiner, the second
/// half of a flag — so after every edit the cursor is placed again on a boundary of the text
/// as it now reads, never counted in keys typed.
public struct LineEditor: Equatable, Sendable {
  public private(set) var text: String
  /// The cursor as a UTF-8 offset into `text`, always at the start of a character (or the end).
  private var offset: Int

  public init(_ text: String = "") {
    self.text = text
    offset = text.utf8.count
  }

  /// The text left of the cursor.
  public var beforeCursor: Substring { text[..<cursorIndex] }

  /// The cursor in characters from the start.
  public var cursor: Int { beforeCursor.count }

  private var cursorIndex: String.Index { text.utf8.index(text.startIndex, offsetBy: offset) }

  private func utf8Offset(of index: String.Index) -> Int {
    text.utf8.distance(from: text.startIndex, to: index)
  }

  /// Applies an editing action; returns false for actions that are not editing.
  public mutating func apply(_ action: Action) -> Bool {
    let index = cursorIndex
    switch action {
    case .insert(let character):
      // A field holds at most one value's worth (what the store accepts); more is not taken.
      guard text.utf8.count + character.utf8.count <= Limits.valueBytes else { return true }
      text.insert(character, at: index)
      // The inserted code points may have joined the character before them: the cursor goes to
      // the first boundary at or after the end of what was inserted.
      place(atOrAfter: offset + character.utf8.count)
    case .deleteBackward:
      guard index > text.startIndex else { return true }
      let start = text.index(before: index)
      text.removeSubrange(start..<index)
      place(atOrBefore: utf8Offset(of: start))
    case .deleteForward:
      guard index < text.endIndex else { return true }
      text.removeSubrange(index..<text.index(after: index))
      place(atOrBefore: offset)
    case .moveLeft:
      if index > text.startIndex { offset = utf8Offset(of: text.index(before: index)) }
    case .moveRight:
      if index < text.endIndex { offset = utf8Offset(of: text.index(after: index)) }
    case .cursorStart: offset = 0
    case .cursorEnd: offset = text.utf8.count
    case .killToStart:
      text.removeSubrange(..<index)
      offset = 0
    case .killToEnd:
      text.removeSubrange(index...)
    case .killWord:
      var start = index
      while start > text.startIndex && text[text.index(before: start)] == " " {
        start = text.index(before: start)
      }
      while start > text.startIndex && text[text.index(before: start)] != " " {
        start = text.index(before: start)
      }
      text.removeSubrange(start..<index)
      place(atOrBefore: utf8Offset(of: start))
    default:
      return false
    }
    return true
  }

  /// Puts the cursor at `target` when a character starts there, else at the next boundary.
  private mutating func place(atOrAfter target: Int) {
    if let boundary = boundary(near: target) {
      offset = boundary
      return
    }
    offset = text.indices.lazy.map(utf8Offset).first { $0 >= target } ?? text.utf8.count
  }

  /// Puts the cursor at `target` when a character starts there, else at the boundary before it
  /// (a deletion can join the characters on either side of it).
  private mutating func place(atOrBefore target: Int) {
    if let boundary = boundary(near: target) {
      offset = boundary
      return
    }
    offset = text.indices.lazy.map(utf8Offset).last { $0 <= target } ?? 0
  }

  /// `target` when it is the start of a character or the end of the text.
  private func boundary(near target: Int) -> Int? {
    let clamped = min(max(0, target), text.utf8.count)
    if clamped == text.utf8.count { return clamped }
    let raw = text.utf8.index(text.startIndex, offsetBy: clamped)
    return String.Index(raw, within: text) != nil ? clamped : nil
  }
}

extension LineEditor {
  /// What of the text fits `width` columns with the cursor in view, and the cursor's column in
  /// it: a long line scrolls sideways as the cursor moves, as in a shell.
  public func window(width: Int) -> (text: String, cursorColumn: Int) {
    guard width > 0 else { return ("", 0) }
    // Only the characters around the cursor are looked at, so a long value (a pasted
    // certificate) costs a screen's width per keystroke, not its length.
    var start = cursorIndex
    var used = 0
    while start > text.startIndex {
      let previous = text.index(before: start)
      let size = CellWidth.of(text[previous])
      if used + size > width - 1 { break }
      used += size
      start = previous
    }
    let after = String(text[cursorIndex...].prefix(width * 2 + 8))
    return (String(text[start..<cursorIndex]) + CellWidth.clip(after, to: width - used, ellipsis: ""), used)
  }
}
