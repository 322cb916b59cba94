import AirenvModel

/// Compares what a server shows with what airenv knows, where the server may have masked
/// parts: 3.x shows a secret as `***`, masks secret keys inside JSON values, and masks any
/// known password where it appears inside other text. A masked part matches anything, so a
/// comparison says "differs" only where a difference can be seen. JSON text is compared as
/// JSON (3.x re-serialises it with other spacing).
public enum MaskedComparison {
  public static let mask = "***"

  public static func matches(shown: JSONValue?, known: JSONValue?) -> Bool {
    switch (normalised(shown), normalised(known)) {
    case (nil, nil): return true
    case (nil, _), (_, nil): return false
    case (.string(let shown)?, .string(let known)?): return matches(shown: shown, known: known)
    case (.string(let shown)?, let known?):
      return shown == mask || matches(shown: shown, known: known.compactText)
    case (.object(let shown)?, .object(let known)?):
      return Set(shown.keys) == Set(known.keys)
        && shown.allSatisfy { matches(shown: $0.value, known: known[$0.key]) }
    case (.array(let shown)?, .array(let known)?):
      return shown.count == known.count && zip(shown, known).allSatisfy { matches(shown: $0, known: $1) }
    case (.integer(let shown)?, .double(let known)?), (.double(let known)?, .integer(let shown)?):
      return Double(shown) == known
    case (let shown?, let known?): return shown == known
    }
  }

  /// Empty text and null both mean "not set" to Airflow's forms.
  private static func normalised(_ value: JSONValue?) -> JSONValue? {
    switch value {
    case .null?, .string("")?: nil
    default: value
    }
  }

  static func matches(shown: String, known: String) -> Bool {
    if shown == known || shown == mask { return true }
    if let shownJSON = structured(shown), let knownJSON = structured(known) {
      return matches(shown: shownJSON, known: knownJSON)
    }
    guard shown.contains(mask) else { return false }
    // The parts between masks must appear in order, the first at the start and the last at the end.
    let parts = shown.components(separatedBy: mask)
    var rest = Substring(known)
    guard let first = parts.first, rest.hasPrefix(first) else { return false }
    rest = rest.dropFirst(first.count)
    for part in parts.dropFirst().dropLast() where !part.isEmpty {
      guard let range = rest.range(of: part) else { return false }
      rest = rest[range.upperBound...]
    }
    return rest.hasSuffix(parts.last ?? "")
  }

  /// JSON objects and lists only: `"5"` and `5` as variable values are different texts.
  private static func structured(_ text: String) -> JSONValue? {
    guard let first = text.first(where: { !$0.isWhitespace }), first == "{" || first == "[" else {
      return nil
    }
    return try? JSONValue.parse(text)
  }
}
