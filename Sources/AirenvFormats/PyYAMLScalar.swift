import AirenvModel

/// A plain YAML scalar typed as PyYAML's `safe_load` types it (YAML 1.1), which is how Airflow
/// reads `connections.yaml` and `variables.yaml`: `5e10` and `0o17` stay text (its floats need a
/// dot and its octals are `017`), `0x1F` and `1_000` are whole numbers, `yes` and `off` are
/// booleans. What Python would hold and JSON cannot — infinity, NaN, a whole number past 64
/// bits — is a problem, never a silently different value.
enum PyYAMLScalar {
  struct Unrepresentable: Error {
    let reason: String
  }

  static func typed(_ text: String) throws(Unrepresentable) -> JSONValue {
    if ["", "~", "null", "Null", "NULL"].contains(text) { return .null }
    if let flag = booleans[text] { return .bool(flag) }
    guard let first = text.utf8.first, numberStarts.contains(first) else { return .string(text) }
    if text.wholeMatch(of: integerPattern) != nil { return .integer(try integer(text)) }
    if text.wholeMatch(of: floatPattern) != nil { return .double(try float(text)) }
    return .string(text)
  }

  /// A scalar with an explicit tag (`!!str 0x1F`, `!!int "12"`) as PyYAML constructs it.
  static func tagged(_ text: String, tag: String) throws(Unrepresentable) -> JSONValue {
    switch tag {
    case "tag:yaml.org,2002:int":
      guard text.wholeMatch(of: integerPattern) != nil else {
        throw Unrepresentable(reason: "\"\(text.prefix(40))\" is tagged !!int but is not a whole number")
      }
      return .integer(try integer(text))
    case "tag:yaml.org,2002:float":
      guard text.wholeMatch(of: floatPattern) != nil || text.wholeMatch(of: integerPattern) != nil else {
        throw Unrepresentable(reason: "\"\(text.prefix(40))\" is tagged !!float but is not a number")
      }
      return .double(try float(text))
    case "tag:yaml.org,2002:bool":
      guard let flag = booleans[text] else {
        throw Unrepresentable(reason: "\"\(text.prefix(40))\" is tagged !!bool but is not a boolean")
      }
      return .bool(flag)
    case "tag:yaml.org,2002:null": return .null
    default: return .string(text)
    }
  }

  private static let booleans: [String: Bool] = [
    "yes": true, "Yes": true, "YES": true, "true": true, "True": true, "TRUE": true, "on": true, "On": true,
    "ON": true, "no": false, "No": false, "NO": false, "false": false, "False": false, "FALSE": false,
    "off": false, "Off": false, "OFF": false,
  ]

  private static let numberStarts = Set("-+0123456789.".utf8)

  nonisolated(unsafe) private static let integerPattern =
    #/[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+/#
  nonisolated(unsafe) private static let floatPattern =
    #/[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)/#

  private static func integer(_ text: String) throws(Unrepresentable) -> Int64 {
    var digits = Substring(text.replacing("_", with: ""))
    var negative = false
    if let sign = digits.first, sign == "-" || sign == "+" {
      negative = sign == "-"
      digits = digits.dropFirst()
    }
    // The magnitude is read with one more bit than Int64 holds so that -2^63 still fits.
    let magnitude: UInt64?
    if digits == "0" {
      magnitude = 0
    } else if digits.hasPrefix("0b") {
      magnitude = UInt64(digits.dropFirst(2), radix: 2)
    } else if digits.hasPrefix("0x") {
      magnitude = UInt64(digits.dropFirst(2), radix: 16)
    } else if digits.first == "0" {
      magnitude = UInt64(digits, radix: 8)
    } else if digits.contains(":") {
      magnitude = digits.split(separator: ":").reduce(UInt64?.some(0)) { total, part in
        guard let total, let part = UInt64(part) else { return nil }
        let (shifted, overflow) = total.multipliedReportingOverflow(by: 60)
        let (sum, carry) = shifted.addingReportingOverflow(part)
        return overflow || carry ? nil : sum
      }
    } else {
      magnitude = UInt64(digits)
    }
    guard let magnitude else {
      throw Unrepresentable(
        reason: "the whole number \(text.prefix(40)) is beyond what airenv holds (±9223372036854775807); "
          + "quote it to keep it as text")
    }
    if negative {
      guard magnitude <= UInt64(Int64.max) + 1 else { throw tooLarge(text) }
      return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
    }
    guard magnitude <= UInt64(Int64.max) else { throw tooLarge(text) }
    return Int64(magnitude)
  }

  private static func tooLarge(_ text: String) -> Unrepresentable {
    Unrepresentable(
      reason: "the whole number \(text.prefix(40)) is beyond what airenv holds (±9223372036854775807); "
        + "quote it to keep it as text")
  }

  private static func float(_ text: String) throws(Unrepresentable) -> Double {
    var digits = Substring(text.replacing("_", with: "").lowercased())
    var sign = 1.0
    if let first = digits.first, first == "-" || first == "+" {
      sign = first == "-" ? -1 : 1
      digits = digits.dropFirst()
    }
    let value: Double?
    if digits.contains(":") {
      value = digits.split(separator: ":").reduce(Double?.some(0)) { total, part in
        guard let total, let part = Double(part) else { return nil }
        return total * 60 + part
      }
    } else if digits == ".inf" || digits == ".nan" {
      value = nil
    } else {
      value = Double(digits)
    }
    guard let value, value.isFinite else {
      throw Unrepresentable(
        reason: "\(text.prefix(40)) is a number JSON cannot hold (infinite, not a number, or out of "
          + "range); quote it to keep it as text")
    }
    return sign * value
  }
}
