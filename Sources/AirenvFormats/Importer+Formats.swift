import AirenvModel
import AirenvText
import Foundation
import Yams

extension Importer {
  // MARK: LocalFilesystemBackend and `airflow … export` JSON

  static func localFilesystemJSON(_ text: String, file: String) throws(ImportProblems) -> ImportSet {
    let bytes = Array(text.utf8)
    if let problem = JSONDiagnostics.syntaxProblem(in: bytes) {
      throw ImportProblems(problems: [
        ImportProblem(file: file, line: problem.location.line, reason: "not valid JSON: \(problem.reason)")
      ])
    }
    guard case .object(let members)? = try? JSONValue.parse(text) else {
      throw ImportProblems(problems: [
        ImportProblem(file: file, line: 1, reason: "the top level must be an object")
      ])
    }
    let lines = JSONDiagnostics.topLevelMemberLines(in: bytes)
    let entries = members.keys.sorted().map { key in (key, members[key]!, lines[key] ?? 1) }
    return keyedEntries(entries, file: file, format: .airflowJSON)
  }

  // MARK: LocalFilesystemBackend and `airflow connections export` YAML

  static func localFilesystemYAML(_ text: String, file: String) throws(ImportProblems) -> ImportSet {
    let document = try YAMLInput.compose(text, file: file)
    guard let root = document.root else { return ImportSet(format: .airflowYAML) }
    guard case .mapping(let mapping) = root else {
      throw ImportProblems(problems: [
        ImportProblem(file: file, line: YAMLInput.line(root), reason: "the top level must be a mapping")
      ])
    }
    var entries: [(String, JSONValue, Int)] = []
    var problems: [ImportProblem] = []
    for (key, value) in mapping {
      do throws(YAMLInput.Document.ScalarProblem) {
        entries.append((key.string ?? "", try document.json(value), YAMLInput.line(key) ?? 1))
      } catch {
        problems.append(
          ImportProblem(file: file, line: error.line, reason: "\(key.string ?? ""): \(error.reason)"))
      }
    }
    var set = keyedEntries(entries, file: file, format: .airflowYAML)
    set.problems = (problems + set.problems).sorted { ($0.line ?? 0) < ($1.line ?? 0) }
    return set
  }

  /// Connections or variables keyed by id, whichever the file holds.
  private static func keyedEntries(
    _ entries: [(String, JSONValue, Int)], file: String, format: ImportFormat
  ) -> ImportSet {
    var set = ImportSet(format: format)
    var problems: [ImportProblem] = []
    if holdsConnections(entries.map(\.1), file: file) {
      for (id, value, line) in entries {
        do throws(ImportReason) {
          let fields: ConnectionChanges
          switch value {
          case .string(let uri): fields = try connection(fromURI: uri, id: id)
          case .object(let object): fields = try connection(fromObject: object, id: id)
          case .array(let items) where items.count == 1:
            guard case .object(let object) = items[0] else {
              throw ImportReason("connection \(id): not an object")
            }
            fields = try connection(fromObject: object, id: id)
          case .array(let items):
            throw ImportReason(
              "connection \(id): a list of \(items.count) connections; Airflow takes exactly one")
          case .null:
            throw ImportReason("connection \(id): it is null; a connection is a URI or an object")
          default:
            throw ImportReason(
              "connection \(id): expected a URI or an object, found \(value.compactText.prefix(40))")
          }
          set.connections.append(ImportedConnection(connId: id, fields: fields, line: line))
        } catch {
          problems.append(ImportProblem(file: file, line: line, reason: error.text))
        }
      }
    } else {
      for (key, value, line) in entries {
        if let (text, description) = variable(value) {
          set.variables.append(ImportedVariable(key: key, value: text, description: description, line: line))
        } else {
          set.ignored.append("variable \(key) is null (Airflow treats it as missing)")
        }
      }
    }
    set.problems = problems
    return set
  }

  // MARK: LocalFilesystemBackend .env

  /// `id=value` lines, no quotes and no escapes; connection values are URIs (or the JSON that
  /// `airflow connections export --serialization-format json` writes).
  static func localFilesystemEnv(_ text: String, file: String) -> ImportSet {
    var pairs: [(String, String, Int)] = []
    var problems: [ImportProblem] = []
    var seen: [String: Int] = [:]
    for (offset, line) in pythonLines(text).enumerated() {
      if line.trimmingCharacters(in: .whitespaces).isEmpty
        || line.trimmingCharacters(in: .whitespaces).hasPrefix("#")
      {
        continue
      }
      guard let equals = line.firstIndex(of: "="), equals != line.startIndex else {
        problems.append(ImportProblem(file: file, line: offset + 1, reason: "expected id=value"))
        continue
      }
      let key = String(line[..<equals])
      let value = String(line[line.index(after: equals)...])
      if let first = seen[key] {
        problems.append(
          ImportProblem(file: file, line: offset + 1, reason: "\(key) appears again (first on line \(first))")
        )
      }
      seen[key] = offset + 1
      pairs.append((key, value, offset + 1))
    }
    let values = pairs.map { JSONValue.string($0.1) }
    var set = ImportSet(format: .airflowEnv)
    if holdsConnections(values, file: file) {
      let (connections, wrong) = connections(pairs.map { ($0.0, $0.1, $0.2) }, file: file)
      set.connections = connections
      problems += wrong
    } else {
      set.variables = pairs.map { ImportedVariable(key: $0.0, value: $0.1, line: $0.2) }
    }
    set.problems = problems
    return set
  }

  /// The lines of a text as Airflow's LocalFilesystemBackend reads a `.env` file: opened with
  /// universal newlines, then `str.splitlines()`, which also ends a line at \v, \f, \x1c–\x1e,
  /// U+0085, U+2028 and U+2029 — so a value can never carry one of them.
  static func pythonLines(_ text: String) -> [Substring] {
    var lines: [Substring] = []
    let scalars = text.unicodeScalars
    var start = scalars.startIndex
    var index = start
    while index != scalars.endIndex {
      let scalar = scalars[index]
      let next = scalars.index(after: index)
      switch scalar.value {
      case 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029:
        lines.append(Substring(scalars[start..<index]))
        if scalar.value == 0x0D, next != scalars.endIndex, scalars[next] == "\n" {
          index = scalars.index(after: next)
        } else {
          index = next
        }
        start = index
      default:
        index = next
      }
    }
    if start != scalars.endIndex { lines.append(Substring(scalars[start...])) }
    return lines
  }

  /// A connection in its JSON form, read as strictly as Airflow's `json.loads`.
  static func jsonObject(_ text: String, id: String) throws(ImportReason) -> [String: JSONValue] {
    let value: JSONValue
    do {
      value = try JSONValue.parse(text)
    } catch {
      throw ImportReason(
        "connection \(id): the value starts with \"{\" but is not valid JSON: \(error.jsonReason)")
    }
    guard let object = value.objectValue else {
      throw ImportReason("connection \(id): the value starts with \"{\" but is not a JSON object")
    }
    return object
  }

  // MARK: dotenv

  /// `AIRFLOW_CONN_<ID>` (URI or JSON) and `AIRFLOW_VAR_<KEY>`; the id is the lower-cased rest
  /// of the name, as Airflow upper-cases ids to look them up.
  static func dotenv(_ text: String, file: String) -> ImportSet {
    var set = ImportSet(format: .env)
    let (entries, problems) = Dotenv.parse(text, file: file)
    var connectionEntries: [(String, String, Int)] = []
    for entry in entries {
      if entry.key.hasPrefix("AIRFLOW_CONN_") {
        let id = String(entry.key.dropFirst("AIRFLOW_CONN_".count)).lowercased()
        connectionEntries.append(
          (id, entry.value.trimmingCharacters(in: .whitespacesAndNewlines), entry.line))
      } else if entry.key.hasPrefix("AIRFLOW_VAR_") {
        let key = String(entry.key.dropFirst("AIRFLOW_VAR_".count)).lowercased()
        set.variables.append(ImportedVariable(key: key, value: entry.value, line: entry.line))
      } else {
        set.ignored.append(
          "\(entry.key) (line \(entry.line)) is not an AIRFLOW_CONN_ or AIRFLOW_VAR_ variable")
      }
    }
    let (connections, wrong) = connections(connectionEntries, file: file)
    set.connections = connections
    set.problems = (problems + wrong).sorted { ($0.line ?? 0) < ($1.line ?? 0) }
    return set
  }

  /// Connections given as text (a URI, or Airflow's JSON form when it starts with `{`), read on
  /// every core, in order; each problem keeps its line.
  static func connections(_ entries: [(String, String, Int)], file: String) -> (
    [ImportedConnection], [ImportProblem]
  ) {
    let results = entries.concurrentMap { id, value, line -> Result<ImportedConnection, ImportProblem> in
      do throws(ImportReason) {
        let fields =
          value.hasPrefix("{")
          ? try connection(fromObject: try jsonObject(value, id: id), id: id)
          : try connection(fromURI: value, id: id)
        return .success(ImportedConnection(connId: id, fields: fields, line: line))
      } catch {
        return .failure(ImportProblem(file: file, line: line, reason: error.text))
      }
    }
    var connections: [ImportedConnection] = []
    var problems: [ImportProblem] = []
    for result in results {
      switch result {
      case .success(let connection): connections.append(connection)
      case .failure(let problem): problems.append(problem)
      }
    }
    return (connections, problems)
  }

  /// A line without the spaces and tabs around it (Foundation's trimming bridged every line).
  static func trimmedSpaces(_ text: Substring) -> Substring {
    var text = text
    while let first = text.utf8.first, first == 0x20 || first == 0x09 { text = text.dropFirst() }
    while let last = text.utf8.last, last == 0x20 || last == 0x09 || last == 0x0D { text = text.dropLast() }
    return text
  }

  // MARK: URI lines

  static func uriLines(_ text: String, file: String) -> ImportSet {
    var set = ImportSet(format: .uri)
    var problems: [ImportProblem] = []
    var entries: [(String, String, Int)] = []
    // Split on the byte: "\r\n" is one Character, so a split on "\n" would miss CRLF files.
    for (offset, raw) in text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
      let line = trimmedSpaces(Substring(raw))
      if line.isEmpty || line.hasPrefix("#") { continue }
      guard let separator = line.firstIndex(where: { $0 == "\t" || $0 == " " }) else {
        problems.append(ImportProblem(file: file, line: offset + 1, reason: "expected conn_id<TAB>URI"))
        continue
      }
      entries.append((String(line[..<separator]), String(trimmedSpaces(line[separator...])), offset + 1))
    }
    let (connections, wrong) = connections(entries, file: file)
    set.connections = connections
    set.problems = (problems + wrong).sorted { ($0.line ?? 0) < ($1.line ?? 0) }
    return set
  }

  // MARK: airflow_settings.yaml

  /// The Astro CLI's file: conn_* fields or conn_uri, conn_extra as a mapping or a JSON
  /// string, variables; pools are not environment objects and are reported as ignored.
  static func airflowSettings(_ text: String, file: String) throws(ImportProblems) -> ImportSet {
    var set = ImportSet(format: .airflowSettings)
    let document = try YAMLInput.compose(text, file: file)
    guard let root = document.root else { return set }
    guard let airflow = root["airflow"], case .mapping = airflow else {
      throw ImportProblems(problems: [
        ImportProblem(
          file: file, line: YAMLInput.line(root), reason: "expected a top-level \"airflow:\" mapping")
      ])
    }
    var problems: [ImportProblem] = []
    if case .mapping(let sections) = airflow {
      for (key, _) in sections where !["connections", "variables", "pools"].contains(key.string ?? "") {
        problems.append(
          ImportProblem(
            file: file, line: YAMLInput.line(key),
            reason: "airflow_settings.yaml has no \"airflow.\(key.string ?? "")\" (only connections, "
              + "variables and pools); if this is a connections file with a connection named airflow, "
              + "import it with --format airflow-yaml"))
      }
    }
    for entry in airflow["connections"]?.sequence ?? [] {
      let line = YAMLInput.line(entry)
      guard case .mapping(let mapping) = entry else {
        problems.append(ImportProblem(file: file, line: line, reason: "a connection must be a mapping"))
        continue
      }
      let fields = Dictionary(
        mapping.map { ($0.key.string ?? "", $0.value) }, uniquingKeysWith: { first, _ in first })
      guard let id = fields["conn_id"].flatMap(YAMLInput.text) else {
        // As the Astro CLI does; the template `astro dev init` writes has such an entry.
        set.ignored.append(
          "a connection entry without conn_id (line \(line ?? 0)), as the Astro CLI skips it")
        continue
      }
      do throws(ImportReason) {
        var changes = ConnectionChanges()
        let columns: [(String, ConnectionField)] = [
          ("conn_type", .connType), ("conn_host", .host), ("conn_schema", .schema), ("conn_login", .login),
          ("conn_password", .password), ("conn_port", .port), ("conn_description", .description),
        ]
        for (key, field) in columns {
          guard let node = fields[key] else { continue }
          guard case .scalar = node else {
            throw ImportReason("connection \(id): \(key) must be text, not a mapping or a list")
          }
          if let value = YAMLInput.text(node) { changes.fields[field] = value }
        }
        switch fields["conn_extra"] {
        case .mapping(let extra)?:
          do throws(YAMLInput.Document.ScalarProblem) {
            changes.extraSet = try document.json(.mapping(extra)).objectValue ?? [:]
          } catch {
            throw ImportReason("connection \(id): conn_extra: \(error.reason)")
          }
        case let node? where YAMLInput.text(node) != nil:
          let parsed: JSONValue
          do {
            parsed = try JSONValue.parse(YAMLInput.text(node)!)
          } catch {
            throw ImportReason(
              "connection \(id): conn_extra is neither a mapping nor valid JSON: \(error.jsonReason)")
          }
          guard let members = parsed.objectValue else {
            throw ImportReason("connection \(id): conn_extra is neither a mapping nor a JSON object")
          }
          changes.extraSet = members
        default: break
        }
        if let uri = fields["conn_uri"].flatMap(YAMLInput.text) {
          // As in the Astro CLI, the URI is used only when no field is given.
          if changes.fields.isEmpty && changes.extraSet.isEmpty {
            changes = try connection(fromURI: uri, id: id)
          }
        } else if changes.fields[.connType] == nil {
          throw ImportReason("connection \(id): conn_type or conn_uri must be given")
        }
        set.connections.append(ImportedConnection(connId: id, fields: changes, line: line ?? 1))
      } catch {
        problems.append(ImportProblem(file: file, line: line, reason: error.text))
      }
    }
    for entry in airflow["variables"]?.sequence ?? [] {
      let line = YAMLInput.line(entry)
      let name = entry["variable_name"].flatMap(YAMLInput.text)
      let value = entry["variable_value"].flatMap(YAMLInput.text).flatMap { $0.isEmpty ? nil : $0 }
      switch (name, value) {
      case (nil, nil): set.ignored.append("an empty variable entry (line \(line ?? 0))")
      case (nil, _):
        problems.append(ImportProblem(file: file, line: line, reason: "a variable without variable_name"))
      case (let name?, nil): set.ignored.append("variable \(name) has no value (the Astro CLI skips it)")
      case (let name?, let value?):
        set.variables.append(ImportedVariable(key: name, value: value, line: line ?? 1))
      }
    }
    let pools = (airflow["pools"]?.sequence ?? []).filter { $0["pool_name"].flatMap(YAMLInput.text) != nil }
    if !pools.isEmpty {
      set.ignored.append("\(counted(pools.count, "pool")) (airenv manages connections and variables only)")
    }
    set.problems = problems
    return set
  }
}
