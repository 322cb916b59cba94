import AirenvModel
import AirenvPresentation
import AirenvText

/// The characters the screen is drawn with: Unicode, or ASCII for terminals and locales
/// that cannot show it.
struct Glyphs {
  let ascii: Bool

  var vertical: String { ascii ? "|" : "│" }
  var horizontal: String { ascii ? "-" : "─" }
  var ellipsis: String { ascii ? "~" : "…" }
  var mask: String { ascii ? "********" : Secrecy.mask }
  var arrow: String { ascii ? "->" : "→" }
  var check: String { ascii ? "x" : "✓" }

  func cell(_ state: CellState) -> String { state.glyph(ascii: ascii) }

  static func role(_ state: CellState) -> StyleRole {
    switch state {
    case .notLinked: .notLinked
    case .linked: .linked
    case .linkedViaAll: .linkedAll
    case .overridden: .overridden
    case .excluded: .excluded
    case .inertExclusion: .inertExclusion
    case .scoped: .scoped
    }
  }

  func clip(_ text: String, _ width: Int) -> String { CellWidth.clip(text, to: width, ellipsis: ellipsis) }

  /// A label column as wide as its longest label and a space, but never more than half of
  /// `room`, so that long extra keys (`extra.region_name`) show whole where there is space.
  static func labelWidth(_ labels: some Sequence<String>, room: Int) -> Int {
    let widest = labels.reduce(0) { max($0, CellWidth.of($1)) }
    return max(4, min(widest + 1, room / 2))
  }

  func fit(_ text: String, _ width: Int) -> String {
    let clipped = clip(text, width)
    return clipped + String(repeating: " ", count: max(0, width - CellWidth.of(clipped)))
  }
}
