import AirenvModel
import Foundation

/// The bytes of one repository file: pretty JSON with sorted keys and a format `version`,
/// so that the same state is always the same bytes and a diff in git is small.
enum StoredFile {
  static let currentVersion = 1

  /// Reads the format version first, then the value, in one pass over the file.
  private struct VersionedValue<Value: Decodable>: Decodable {
    var value: Value
    private enum CodingKeys: String, CodingKey { case version }

    init(from decoder: any Decoder) throws {
      let container = try decoder.container(keyedBy: CodingKeys.self)
      guard let version = try container.decodeIfPresent(Int.self, forKey: .version) else {
        throw VersionProblem.missing
      }
      if version > StoredFile.currentVersion { throw VersionProblem.newer(version) }
      value = try Value(from: decoder)
    }
  }

  private enum VersionProblem: Error {
    case missing
    case newer(Int)
  }

  private struct Versioned<Value: Encodable>: Encodable {
    var value: Value
    private enum CodingKeys: String, CodingKey { case version }

    init(_ value: Value) { self.value = value }

    func encode(to encoder: any Encoder) throws {
      try value.encode(to: encoder)
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(StoredFile.currentVersion, forKey: .version)
    }
  }

  static func encode(_ value: some Encodable) -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    // Encoding our own value types cannot fail (their depth and sizes are bounded on input and
    // load). Were it to, the message must not carry the value: it may hold a secret.
    guard let data = try? encoder.encode(Versioned(value)) else {
      fatalError("cannot encode a stored \(type(of: value)) (nested too deeply?)")
    }
    var bytes = [UInt8](data)
    bytes.append(UInt8(ascii: "\n"))
    return bytes
  }

  /// Reads a repository file as every command and `doctor` must: the JSON syntax strictly (no
  /// trailing comma, no duplicate member), no member airenv does not write, the types, and —
  /// after `opening` (which decrypts secrets) — the model's rules, each refusal with a line.
  /// Connection and variable files: read straight into the model when they have exactly the
  /// shape airenv writes (see `DirectlyReadable`), else as any other stored file.
  static func read<Value: StoredRecord & StrictlyReadable & DirectlyReadable>(
    _ type: Value.Type, from bytes: [UInt8], path: String, opening: (Value) -> Value = { $0 }
  ) throws(StoreError) -> Value {
    if let value = StrictJSONReader.document(of: bytes, { Value.read(directly: &$0) }) {
      return try checkRules(opening(value), bytes: bytes, path: path)
    }
    return try readThroughDictionaries(type, from: bytes, path: path, opening: opening)
  }

  static func read<Value: StoredRecord & StrictlyReadable>(
    _ type: Value.Type, from bytes: [UInt8], path: String, opening: (Value) -> Value = { $0 }
  ) throws(StoreError) -> Value {
    try readThroughDictionaries(type, from: bytes, path: path, opening: opening)
  }

  private static func readThroughDictionaries<Value: StoredRecord & StrictlyReadable>(
    _ type: Value.Type, from bytes: [UInt8], path: String, opening: (Value) -> Value
  ) throws(StoreError) -> Value {
    // The fast path for the shape airenv writes; it refuses every syntax JSONDecoder forgives.
    if let json = StrictJSONReader.value(of: bytes), case .object(let members) = json,
      case .integer(let version)? = members["version"], version <= currentVersion,
      let value = Value(strict: json)
    {
      try checkShape(Value.self, json, bytes: bytes, path: path)
      return try checkRules(opening(value), bytes: bytes, path: path)
    }
    return try readSlowly(type, from: bytes, path: path, opening: opening)
  }

  static func read<Value: StoredRecord>(
    _ type: Value.Type, from bytes: [UInt8], path: String, opening: (Value) -> Value = { $0 }
  ) throws(StoreError) -> Value {
    try readSlowly(type, from: bytes, path: path, opening: opening)
  }

  /// The reference path: what `read` answers whenever its fast path does not apply.
  static func readSlowly<Value: StoredRecord>(
    _ type: Value.Type, from bytes: [UInt8], path: String, opening: (Value) -> Value
  ) throws(StoreError) -> Value {
    // Every stored file is one object: anything else is refused before it is read whole.
    if let first = bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }), first != UInt8(ascii: "{")
    {
      let line = 1 + bytes.prefix { $0 != first }.filter { $0 == 0x0A }.count
      throw .corrupt(path: path, line: line, column: nil, reason: "a stored file is one JSON object ({ … })")
    }
    // Foundation's decoder forgives a trailing comma and keeps one of two equal members.
    if let syntax = JSONDiagnostics.syntaxProblem(in: bytes) {
      throw .corrupt(
        path: path, line: syntax.location.line, column: syntax.location.column,
        reason: bytes.isEmpty ? "the file is empty" : "not valid JSON: \(syntax.reason)")
    }
    // The members are checked before the types: an unknown one is named at once, however large.
    if let json = try? JSONValue.parse(String(decoding: bytes, as: UTF8.self)) {
      try checkShape(Value.self, json, bytes: bytes, path: path)
    }
    let value = try decodeWithJSONDecoder(type, from: bytes, path: path)
    return try checkRules(opening(value), bytes: bytes, path: path)
  }

  /// Refuses a member airenv does not write, or a format version that does not exist.
  private static func checkShape<Value: StoredRecord>(
    _ type: Value.Type, _ json: JSONValue, bytes: [UInt8], path: String
  ) throws(StoreError) {
    if let misfit = Value.shape.misfit(json) {
      throw refusal(misfit.path, misfit.reason, bytes: bytes, path: path)
    }
    if case .object(let members) = json, case .integer(let version)? = members["version"], version < 1 {
      throw refusal(
        ["version"], "format version \(version) does not exist; versions start at 1", bytes: bytes, path: path
      )
    }
  }

  /// The model's rules on what was read.
  private static func checkRules<Value: StoredRecord>(_ value: Value, bytes: [UInt8], path: String)
    throws(StoreError) -> Value
  {
    do {
      try value.checkInvariants()
    } catch {
      let field = error.path.map { String($0.prefix(80)) }.joined(separator: ".")
      throw refusal(error.path, "\(field): \(error.reason)", bytes: bytes, path: path)
    }
    return value
  }

  /// airenv never writes what it would refuse to read back (a revision past its limit after a
  /// hand edit set it to the limit, say): the save stops before any file is written.
  static func checkBeforeWriting<Value: StoredRecord>(_ value: Value, path: String) throws(StoreError) {
    do {
      try value.checkInvariants()
    } catch {
      let field = error.path.map { String($0.prefix(80)) }.joined(separator: ".")
      throw .io(path: path, reason: "not saved, nothing was written: \(field): \(error.reason)")
    }
  }

  /// A refusal naming the line of the member at `keys` (or of its parent).
  private static func refusal(_ keys: [String], _ reason: String, bytes: [UInt8], path: String) -> StoreError
  {
    let location =
      JSONDiagnostics.location(of: keys, in: bytes)
      ?? JSONDiagnostics.location(of: Array(keys.dropLast()), in: bytes)
    return .corrupt(path: path, line: location?.line, column: location?.column, reason: reason)
  }

  /// Decodes a file that is not part of the repository's model (the journal), or says where
  /// and why it is not what airenv wrote.
  static func decode<Value: Decodable>(_ type: Value.Type, from bytes: [UInt8], path: String)
    throws(StoreError) -> Value
  {
    if let syntax = JSONDiagnostics.syntaxProblem(in: bytes) {
      throw .corrupt(
        path: path, line: syntax.location.line, column: syntax.location.column,
        reason: bytes.isEmpty ? "the file is empty" : "not valid JSON: \(syntax.reason)")
    }
    return try decodeWithJSONDecoder(type, from: bytes, path: path)
  }

  static func decodeWithJSONDecoder<Value: Decodable>(_ type: Value.Type, from bytes: [UInt8], path: String)
    throws(StoreError) -> Value
  {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .custom(decodeDate)
    do {
      return try decoder.decode(VersionedValue<Value>.self, from: Data(bytes)).value
    } catch VersionProblem.missing {
      throw .corrupt(path: path, line: 1, column: 1, reason: "it has no format \"version\"")
    } catch VersionProblem.newer(let version) {
      throw .newerFormat(path: path, version: version)
    } catch {
      throw diagnose(error, bytes: bytes, path: path)
    }
  }

  /// Stamps are written as `2026-11-23T01:14:03Z`; reading that shape by hand is many
  /// times faster than Foundation's ISO 8601 parser, which dominated opening a large Workspace.
  @Sendable static func decodeDate(_ decoder: any Decoder) throws -> Date {
    let container = try decoder.singleValueContainer()
    let text = try container.decode(String.self)
    if let date = date(fromStamp: text) { return date }
    guard let date = try? Date(text, strategy: .iso8601) else {
      throw DecodingError.dataCorruptedError(
        in: container, debugDescription: "\"\(text)\" is not an ISO 8601 date")
    }
    return date
  }

  /// A date in the one shape airenv writes, `YYYY-MM-DDTHH:MM:SSZ`; nil for any other text.
  static func date(fromStamp text: String) -> Date? {
    let utf8 = text.utf8
    return utf8.withContiguousStorageIfAvailable { digits -> Date? in
      func number(_ range: Range<Int>) -> Int32? {
        var value: Int32 = 0
        for index in range {
          let digit = digits[index] &- UInt8(ascii: "0")
          guard digit < 10 else { return nil }
          value = value * 10 + Int32(digit)
        }
        return value
      }
      guard digits.count == 20, digits[4] == UInt8(ascii: "-"), digits[7] == UInt8(ascii: "-"),
        digits[10] == UInt8(ascii: "T"), digits[13] == UInt8(ascii: ":"), digits[16] == UInt8(ascii: ":"),
        digits[19] == UInt8(ascii: "Z"),
        let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
        let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
        // A date that exists (timegm would turn month 13 or day 45 into another date).
        (1...12).contains(month), (1...Self.days(inMonth: month, of: year)).contains(day), hour < 24,
        minute < 60, second < 61
      else { return nil }
      var parts = tm()
      parts.tm_year = year - 1900
      parts.tm_mon = month - 1
      parts.tm_mday = day
      parts.tm_hour = hour
      parts.tm_min = minute
      parts.tm_sec = second
      return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    } ?? nil
  }

  private static func days(inMonth month: Int32, of year: Int32) -> Int32 {
    switch month {
    case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }

  private static func diagnose(_ error: any Error, bytes: [UInt8], path: String) -> StoreError {
    if bytes.isEmpty {
      return .corrupt(path: path, line: 1, column: 1, reason: "the file is empty")
    }
    if let problem = JSONDiagnostics.syntaxProblem(in: bytes) {
      return .corrupt(
        path: path, line: problem.location.line, column: problem.location.column,
        reason: "not valid JSON: \(problem.reason)")
    }
    guard let decodingError = error as? DecodingError else {
      return .corrupt(path: path, line: nil, column: nil, reason: "\(error)")
    }
    let (codingPath, reason) = describe(decodingError)
    let keys = codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
    let location =
      JSONDiagnostics.location(of: keys, in: bytes)
      ?? JSONDiagnostics.location(of: Array(keys.dropLast()), in: bytes)
    let field = keys.isEmpty ? "" : " at \(keys.joined(separator: "."))"
    return .corrupt(
      path: path, line: location?.line, column: location?.column, reason: "\(reason)\(field)")
  }

  private static func describe(_ error: DecodingError) -> ([any CodingKey], String) {
    switch error {
    case .typeMismatch(let type, let context):
      return (context.codingPath, "expected \(name(of: type))")
    case .valueNotFound(let type, let context):
      return (context.codingPath, "expected \(name(of: type)), found null")
    case .keyNotFound(let key, let context):
      return (context.codingPath, "the member \"\(key.stringValue)\" is missing")
    case .dataCorrupted(let context):
      return (context.codingPath, context.debugDescription)
    @unknown default:
      return ([], "\(error)")
    }
  }

  private static func name(of type: Any.Type) -> String {
    switch type {
    case is String.Type: "a string"
    case is Int.Type, is Int64.Type: "an integer"
    case is Bool.Type: "true or false"
    case is Date.Type: "an ISO 8601 date"
    default: "\(type)"
    }
  }
}
