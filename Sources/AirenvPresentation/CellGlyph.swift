import AirenvModel

extension CellState {
  /// A glyph per matrix state, so that colour is never the only signal; the CLI's matrix and
  /// the TUI's use the same ones. In ASCII no two states share a letter, in either case.
  public func glyph(ascii: Bool) -> String {
    switch self {
    case .notLinked: ascii ? "." : "·"
    case .linked: ascii ? "L" : "●"
    case .linkedViaAll: ascii ? "A" : "○"
    case .overridden: ascii ? "O" : "◆"
    case .excluded: ascii ? "X" : "✕"
    case .inertExclusion: ascii ? "-" : "×"
    case .scoped: ascii ? "S" : "■"
    }
  }
}
