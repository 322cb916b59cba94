import AirenvModel
import Foundation
import Yams

/// Reads the files teams already have into an `ImportSet`, naming the line of every problem.
public enum Importer {
  public static func read(_ text: String, file: String, format requested: ImportFormat) throws(ImportProblems)
    -> ImportSet
  {
    let format = requested == .auto ? detect(text, file: file) : requested
    switch format {
    case .airflowSettings: return try airflowSettings(text, file: file)
    case .env: return try dotenv(text, file: file)
    case .airflowJSON: return try localFilesystemJSON(text, file: file)
    case .airflowYAML: return try localFilesystemYAML(text, file: file)
    case .airflowEnv: return try localFilesystemEnv(text, file: file)
    case .uri: return try uriLines(text, file: file)
    case .auto: return ImportSet(format: .auto)
    }
  }

  /// By extension first, then by content.
  static func detect(_ text: String, file: String) -> ImportFormat {
    let name = (file as NSString).lastPathComponent.lowercased()
    if name.hasSuffix(".json") { return .airflowJSON }
    if name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
      let mentionsAirflow = text.split(separator: "\n").contains { $0.hasPrefix("airflow:") }
      return mentionsAirflow ? .airflowSettings : .airflowYAML
    }
    let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    let names = lines.map { $0.hasPrefix("export ") ? String($0.dropFirst(7)) : $0 }
    if names.contains(where: { $0.hasPrefix("AIRFLOW_CONN_") || $0.hasPrefix("AIRFLOW_VAR_") }) {
      return .env
    }
    if !lines.isEmpty && lines.allSatisfy({ $0.contains("\t") && $0.contains("://") }) { return .uri }
    return .airflowEnv
  }

  // MARK: Connections from Airflow's own forms

  /// The keys Airflow's LocalFilesystemBackend accepts in a connection object.
  static let connectionKeys: Set<String> = [
    "conn_id", "conn_type", "description", "host", "login", "password", "schema", "port", "extra", "uri",
    "extra_dejson",
  ]

  /// A connection in Airflow's JSON form (`Connection.from_json`, LocalFilesystemBackend
  /// objects, `airflow connections export`): `extra` as an object or a JSON string.
  static func connection(fromObject object: [String: JSONValue], id: String) throws(ImportReason)
    -> ConnectionChanges
  {
    if let unknown = object.keys.sorted().first(where: { !connectionKeys.contains($0) }) {
      throw ImportReason("connection \(id): unknown key \"\(unknown)\" (Airflow refuses it)")
    }
    if let inner = object["conn_id"]?.stringValue, inner != id {
      throw ImportReason("connection \(id): its conn_id \"\(inner)\" differs from its name")
    }
    if case .string(let uri)? = object["uri"] {
      let others = object.keys.filter { !["uri", "conn_id"].contains($0) }
      guard others.isEmpty else {
        throw ImportReason("connection \(id): \"uri\" cannot be mixed with other fields")
      }
      return try connection(fromURI: uri, id: id)
    }
    var changes = ConnectionChanges()
    guard let type = text(object["conn_type"]), !type.isEmpty else {
      throw ImportReason("connection \(id): conn_type is missing")
    }
    changes.fields[.connType] = type
    let columns: [(String, ConnectionField)] = [
      ("description", .description), ("host", .host), ("login", .login), ("password", .password),
      ("schema", .schema),
    ]
    for (key, field) in columns { if let value = text(object[key]) { changes.fields[field] = value } }
    switch object["port"] {
    case .integer(let port)?: changes.fields[.port] = String(port)
    case .string(let port)? where !port.isEmpty: changes.fields[.port] = port
    case .double(let port)? where port == port.rounded(): changes.fields[.port] = String(Int(port))
    case nil, .null?, .string?: break
    case let other?: throw ImportReason("connection \(id): port \(other.compactText) is not a number")
    }
    if object["extra"] != nil && object["extra_dejson"] != nil {
      throw ImportReason("connection \(id): both extra and extra_dejson are set")
    }
    switch object["extra"] ?? object["extra_dejson"] {
    case .object(let members)?: changes.extraSet = members
    case .string(let json)? where !json.isEmpty:
      guard let parsed = try? JSONValue.parse(json), let members = parsed.objectValue else {
        throw ImportReason("connection \(id): extra is not a JSON object")
      }
      changes.extraSet = members
    case nil, .null?, .string?: break
    case let other?: throw ImportReason("connection \(id): extra \(other.compactText) is not a JSON object")
    }
    return changes
  }

  static func connection(fromURI uri: String, id: String) throws(ImportReason) -> ConnectionChanges {
    do {
      return try AirflowURI.decode(uri)
    } catch {
      throw ImportReason("connection \(id): the URI is not one Airflow reads: \(error.reason)")
    }
  }

  /// Strings as they are; numbers and booleans as their text; null as absent.
  static func text(_ value: JSONValue?) -> String? {
    switch value {
    case .string(let text)?: text
    case .integer(let number)?: String(number)
    case .double(let number)?: String(number)
    case .bool(let flag)?: flag ? "true" : "false"
    default: nil
    }
  }

  /// A variable value: strings as they are, other JSON values as JSON text; the
  /// `{"value": …, "description": …}` wrapper of Airflow 3's export is unwrapped.
  static func variable(_ value: JSONValue) -> (value: String, description: String?)? {
    if case .object(let members) = value, let inner = members["value"],
      Set(members.keys).isSubset(of: ["value", "description"])
    {
      return variable(inner).map { ($0.value, members["description"]?.stringValue) }
    }
    switch value {
    case .null: return nil
    case .string(let text): return (text, nil)
    default: return (value.compactText, nil)
    }
  }

  /// Whether a file's entries are connections: objects with conn_type or uri, or URI strings.
  static func holdsConnections(_ values: [JSONValue], file: String) -> Bool {
    let name = (file as NSString).lastPathComponent.lowercased()
    if name.contains("variable") { return false }
    if name.contains("connection") { return true }
    guard !values.isEmpty else { return false }
    return values.allSatisfy { value in
      switch value {
      case .object(let members): members["conn_type"] != nil || members["uri"] != nil
      case .array(let items): items.count == 1 && holdsConnections(items, file: "")
      case .string(let text): looksLikeURI(text)
      default: false
      }
    }
  }

  static func looksLikeURI(_ text: String) -> Bool {
    guard let range = text.range(of: "://") else { return false }
    let scheme = text[..<range.lowerBound]
    return !scheme.isEmpty && scheme.allSatisfy { $0.isLetter || $0.isNumber || "+-.".contains($0) }
  }
}

/// Why one entry is refused; the caller adds the file and line.
struct ImportReason: Error {
  var text: String
  init(_ text: String) { self.text = text }
}
