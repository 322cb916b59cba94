import AirenvModel
import Foundation

/// The bytes of one repository file: pretty JSON with sorted keys and a format `version`,
/// so that the same state is always the same bytes and a diff in git is small.
enum StoredFile {
  static let currentVersion = 1

  private struct VersionProbe: Decodable { var version: Int? }

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
    // Encoding our own value types cannot fail.
    var bytes = [UInt8](try! encoder.encode(Versioned(value)))
    bytes.append(UInt8(ascii: "\n"))
    return bytes
  }

  /// Decodes a file, or says where and why it is not what airenv wrote.
  static func decode<Value: Decodable>(_ type: Value.Type, from bytes: [UInt8], path: String)
    throws(StoreError) -> Value
  {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    let data = Data(bytes)
    do {
      let probe = try decoder.decode(VersionProbe.self, from: data)
      guard let version = probe.version else {
        throw StoreError.corrupt(path: path, line: 1, column: 1, reason: "it has no format \"version\"")
      }
      if version > currentVersion { throw StoreError.newerFormat(path: path, version: version) }
      return try decoder.decode(type, from: data)
    } catch let error as StoreError {
      throw error
    } catch {
      throw diagnose(error, bytes: bytes, path: path)
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
