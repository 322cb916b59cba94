import AirenvModel
import Foundation
import Yams

/// Reads the files teams already have into an `ImportSet`, naming the line of every problem.
/// Every entry is read even after a bad one, so that one pass reports every problem.
public enum Importer {
  public static func read(_ text: String, file: String, format requested: ImportFormat) -> ImportSet {
    guard let format = requested == .auto ? detect(text, file: file) : requested else {
      var set = ImportSet(format: .auto)
      set.problems = [
        ImportProblem(
          file: file, line: nil,
          reason: "cannot tell how to read it: it looks like a dotenv file but has no AIRFLOW_CONN_ or "
            + "AIRFLOW_VAR_ lines; name the format: --format env reads those lines as docker and "
            + "python-dotenv do, --format airflow-env reads every line as a variable exactly as Airflow's "
            + "LocalFilesystemBackend does (quotes and `export` kept)")
      ]
      return set
    }
    var set: ImportSet
    do throws(ImportProblems) {
      switch format {
      case .airflowSettings: set = try airflowSettings(text, file: file)
      case .env: set = dotenv(text, file: file)
      case .airflowJSON: set = try localFilesystemJSON(text, file: file)
      case .airflowYAML: set = try localFilesystemYAML(text, file: file)
      case .airflowEnv: set = localFilesystemEnv(text, file: file)
      case .uri: set = uriLines(text, file: file)
      case .auto: set = ImportSet(format: .auto)
      }
    } catch {
      set = ImportSet(format: format)
      set.problems = error.problems
    }
    set.problems += duplicatesIgnoringCase(set, file: file)
    return set
  }

  /// By extension first, then by content; nil when a dotenv-looking file could be read two ways.
  static func detect(_ text: String, file: String) -> ImportFormat? {
    let name = fileName(file).lowercased()
    if name.hasSuffix(".json") { return .airflowJSON }
    if name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
      // airflow_settings.yaml has one top-level key, `airflow`; a connections file may hold a
      // connection named airflow among others.
      let topLevelKeys = text.split(separator: "\n").filter { line in
        guard let first = line.first else { return false }
        return !" \t#-".contains(first) && line.contains(":") && line != "---" && !line.hasPrefix("%")
      }
      return topLevelKeys.count == 1 && topLevelKeys[0].hasPrefix("airflow:")
        ? .airflowSettings : .airflowYAML
    }
    let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    let names = lines.map { $0.hasPrefix("export ") ? String($0.dropFirst(7)) : $0 }
    if names.contains(where: { $0.hasPrefix("AIRFLOW_CONN_") || $0.hasPrefix("AIRFLOW_VAR_") }) {
      return .env
    }
    if !lines.isEmpty && lines.allSatisfy({ $0.contains("\t") && $0.contains("://") }) { return .uri }
    // A project's `.env`, or lines written for a shell (`export`, quoted values): Airflow's
    // reader would keep the quotes in every value, so the user says which reading is meant.
    let quoted = lines.contains { line in
      guard let equals = line.firstIndex(of: "=") else { return false }
      let value = line[line.index(after: equals)...].drop { $0 == " " }
      return value.hasPrefix("\"") || value.hasPrefix("'")
    }
    if name == ".env" || lines.contains(where: { $0.hasPrefix("export ") }) || quoted { return nil }
    return .airflowEnv
  }

  /// Two entries whose ids differ only in case are one in Airflow, which looks an id up by its
  /// upper-cased environment-variable name: the second is refused at its line.
  static func duplicatesIgnoringCase(_ set: ImportSet, file: String) -> [ImportProblem] {
    func check(_ entries: [(String, Int)], _ kind: ObjectKind) -> [ImportProblem] {
      var first: [String: (String, Int)] = [:]
      var problems: [ImportProblem] = []
      for (id, line) in entries.sorted(by: { $0.1 < $1.1 }) {
        if let (other, otherLine) = first[id.lowercased()] {
          problems.append(
            ImportProblem(
              file: file, line: line,
              reason: "\(kind.keyName) \"\(id)\" is \"\(other)\" of line \(otherLine) ignoring case "
                + "(Airflow reads ids by their upper-cased name)"))
        } else {
          first[id.lowercased()] = (id, line)
        }
      }
      return problems
    }
    return check(set.connections.map { ($0.connId, $0.line) }, .connection)
      + check(set.variables.map { ($0.key, $0.line) }, .variable)
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
    if let inner = try text(object["conn_id"], "conn_id", of: id), inner != id {
      throw ImportReason("connection \(id): its conn_id \"\(inner)\" differs from its name")
    }
    if let uri = object["uri"] {
      let others = object.keys.filter { !["uri", "conn_id"].contains($0) }
      guard others.isEmpty else {
        throw ImportReason("connection \(id): \"uri\" cannot be mixed with other fields")
      }
      guard let text = try text(uri, "uri", of: id) else {
        throw ImportReason("connection \(id): uri is empty")
      }
      return try connection(fromURI: text, id: id)
    }
    var changes = ConnectionChanges()
    guard let type = try text(object["conn_type"], "conn_type", of: id), !type.isEmpty else {
      throw ImportReason("connection \(id): conn_type is missing")
    }
    changes.fields[.connType] = type
    let columns: [(String, ConnectionField)] = [
      ("description", .description), ("host", .host), ("login", .login), ("password", .password),
      ("schema", .schema),
    ]
    for (key, field) in columns {
      if let value = try text(object[key], key, of: id) { changes.fields[field] = value }
    }
    switch object["port"] {
    case .integer(let port)?: changes.fields[.port] = String(port)
    case .string(let port)? where !port.isEmpty: changes.fields[.port] = port
    case .double(let port)? where port == port.rounded() && abs(port) < 1e9:
      changes.fields[.port] = String(Int(port))
    case nil, .null?, .string?: break
    case let other?:
      throw ImportReason("connection \(id): port \(other.compactText.prefix(40)) is not a number")
    }
    if object["extra"] != nil && object["extra_dejson"] != nil {
      throw ImportReason("connection \(id): both extra and extra_dejson are set")
    }
    switch object["extra"] ?? object["extra_dejson"] {
    case .object(let members)?: changes.extraSet = members
    case .string(let json)? where !json.isEmpty:
      let parsed: JSONValue
      do {
        parsed = try JSONValue.parse(json)
      } catch {
        throw ImportReason("connection \(id): extra is not valid JSON: \(error.jsonReason)")
      }
      guard let members = parsed.objectValue else {
        throw ImportReason("connection \(id): extra is not a JSON object")
      }
      changes.extraSet = members
    case nil, .null?, .string?: break
    case let other?:
      throw ImportReason("connection \(id): extra \(other.compactText.prefix(40)) is not a JSON object")
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

  /// A text field: strings as they are, numbers and booleans as their text, null as absent; an
  /// object or a list is refused (it was once dropped silently).
  static func text(_ value: JSONValue?, _ field: String, of id: String) throws(ImportReason) -> String? {
    switch value {
    case .string(let text)?: return text
    case .integer(let number)?: return String(number)
    case .double(let number)?: return String(number)
    case .bool(let flag)?: return flag ? "true" : "false"
    case nil, .null?: return nil
    case .object?: throw ImportReason("connection \(id): \(field) must be text, not an object")
    case .array?: throw ImportReason("connection \(id): \(field) must be text, not a list")
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

  /// Whether a file's entries are connections. The file's name decides when it says; else a
  /// single entry that can only be a connection (an object with conn_type or uri, a JSON string
  /// of one, a URI with a password or of a connection type) makes it a connections file, so
  /// that one bad entry is an error at its line rather than turning every connection, passwords
  /// included, into a plaintext variable. Other strings make a connections file only when every
  /// one is a URI.
  static func holdsConnections(_ values: [JSONValue], file: String) -> Bool {
    let name = fileName(file).lowercased()
    if name.contains("variable") { return false }
    if name.contains("connection") { return true }
    if values.contains(where: isConnectionObject) { return true }
    let texts = values.compactMap { value -> String? in
      guard case .string(let text) = value, !text.isEmpty else { return nil }
      return text
    }
    if texts.contains(where: { $0.hasPrefix("{") && isConnectionObject((try? JSONValue.parse($0)) ?? .null) })
    {
      return true
    }
    if texts.contains(where: isConnectionURI) { return true }
    let others = values.filter { value in
      switch value {
      case .null: false
      case .string(let text): text.isEmpty ? false : !looksLikeURI(text)
      default: true
      }
    }
    return !texts.isEmpty && others.isEmpty
  }

  static func isConnectionObject(_ value: JSONValue) -> Bool {
    switch value {
    case .object(let members): members["conn_type"] != nil || members["uri"] != nil
    case .array(let items): items.count == 1 && isConnectionObject(items[0])
    default: false
    }
  }

  /// A URI that only a connection would be: one that carries a password (`scheme://user:pw@`),
  /// or whose scheme is a connection type (`postgres://`, `google-cloud-platform://`, even the
  /// type written with `_`); a plain `http(s)://` address is as likely a variable's value.
  static func isConnectionURI(_ text: String) -> Bool {
    guard let separator = text.range(of: "://") else { return false }
    let scheme = text[..<separator.lowerBound].lowercased()
    guard !scheme.isEmpty, scheme.allSatisfy({ $0.isLetter || $0.isNumber || "+-._".contains($0) }) else {
      return false
    }
    let rest = text[separator.upperBound...]
    let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
    if let at = authority.lastIndex(of: "@"), authority[..<at].contains(":") { return true }
    let type = scheme.replacingOccurrences(of: "-", with: "_")
    return !["http", "https", "generic"].contains(type) && ConnectionTypeCatalogue.type(type) != nil
  }

  static func looksLikeURI(_ text: String) -> Bool {
    guard let range = text.range(of: "://") else { return false }
    let scheme = text[..<range.lowerBound]
    return !scheme.isEmpty && scheme.allSatisfy { $0.isLetter || $0.isNumber || "+-.".contains($0) }
  }
}

extension ModelError {
  /// Why text is not JSON, without the words for a connection's extra.
  var jsonReason: String {
    if case .invalidJSON(let reason) = self { return reason }
    return message
  }
}

/// The last component of a path, lower-cased by the callers to read a format from it.
func fileName(_ path: String) -> String {
  String(path.split(separator: "/", omittingEmptySubsequences: true).last ?? Substring(path))
}

/// Why one entry is refused; the caller adds the file and line.
struct ImportReason: Error {
  var text: String
  init(_ text: String) { self.text = text }
}
