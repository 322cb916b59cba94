import AirenvModel
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
    let entries = members.keys.sorted().map { key in
      (key, members[key]!, JSONDiagnostics.location(of: [key], in: bytes)?.line ?? 1)
    }
    return try keyedEntries(entries, file: file, format: .airflowJSON)
  }

  // MARK: LocalFilesystemBackend and `airflow connections export` YAML

  static func localFilesystemYAML(_ text: String, file: String) throws(ImportProblems) -> ImportSet {
    guard let root = try YAMLInput.compose(text, file: file) else { return ImportSet(format: .airflowYAML) }
    guard case .mapping(let mapping) = root else {
      throw ImportProblems(problems: [
        ImportProblem(file: file, line: YAMLInput.line(root), reason: "the top level must be a mapping")
      ])
    }
    let entries = mapping.map { key, value in
      (key.string ?? "", YAMLInput.json(value), YAMLInput.line(key) ?? 1)
    }
    return try keyedEntries(entries, file: file, format: .airflowYAML)
  }

  /// Connections or variables keyed by id, whichever the file holds.
  private static func keyedEntries(
    _ entries: [(String, JSONValue, Int)], file: String, format: ImportFormat
  ) throws(ImportProblems) -> ImportSet {
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
          default:
            throw ImportReason("connection \(id): expected a URI or an object")
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
    if !problems.isEmpty { throw ImportProblems(problems: problems) }
    return set
  }

  // MARK: LocalFilesystemBackend .env

  /// `id=value` lines, no quotes and no escapes; connection values are URIs (or the JSON that
  /// `airflow connections export --serialization-format json` writes).
  static func localFilesystemEnv(_ text: String, file: String) throws(ImportProblems) -> ImportSet {
    var pairs: [(String, String, Int)] = []
    var problems: [ImportProblem] = []
    var seen: [String: Int] = [:]
    for (offset, raw) in text.components(separatedBy: "\n").enumerated() {
      let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : raw
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
    if !problems.isEmpty { throw ImportProblems(problems: problems) }
    let values = pairs.map { JSONValue.string($0.1) }
    var set = ImportSet(format: .airflowEnv)
    let jsonConnections =
      !pairs.isEmpty && pairs.allSatisfy { $0.1.hasPrefix("{") }
      && !(file as NSString).lastPathComponent.lowercased().contains("variable")
    if holdsConnections(values, file: file) || jsonConnections {
      for (id, value, line) in pairs {
        do throws(ImportReason) {
          let fields =
            value.hasPrefix("{")
            ? try connection(fromObject: try jsonObject(value, id: id), id: id)
            : try connection(fromURI: value, id: id)
          set.connections.append(ImportedConnection(connId: id, fields: fields, line: line))
        } catch {
          problems.append(ImportProblem(file: file, line: line, reason: error.text))
        }
      }
    } else {
      set.variables = pairs.map { ImportedVariable(key: $0.0, value: $0.1, line: $0.2) }
    }
    if !problems.isEmpty { throw ImportProblems(problems: problems) }
    return set
  }

  static func jsonObject(_ text: String, id: String) throws(ImportReason) -> [String: JSONValue] {
    guard let value = try? JSONValue.parse(text), let object = value.objectValue else {
      throw ImportReason("connection \(id): the value starts with \"{\" but is not a JSON object")
    }
    return object
  }

  // MARK: dotenv

  /// `AIRFLOW_CONN_<ID>` (URI or JSON) and `AIRFLOW_VAR_<KEY>`; the id is the lower-cased rest
  /// of the name, as Airflow upper-cases ids to look them up.
  static func dotenv(_ text: String, file: String) throws(ImportProblems) -> ImportSet {
    var set = ImportSet(format: .env)
    var (entries, problems) = Dotenv.parse(text, file: file)
    for entry in entries {
      if entry.key.hasPrefix("AIRFLOW_CONN_") {
        let id = String(entry.key.dropFirst("AIRFLOW_CONN_".count)).lowercased()
        do throws(ImportReason) {
          let value = entry.value.trimmingCharacters(in: .whitespacesAndNewlines)
          let fields =
            value.hasPrefix("{")
            ? try connection(fromObject: try jsonObject(value, id: id), id: id)
            : try connection(fromURI: value, id: id)
          set.connections.append(ImportedConnection(connId: id, fields: fields, line: entry.line))
        } catch {
          problems.append(ImportProblem(file: file, line: entry.line, reason: error.text))
        }
      } else if entry.key.hasPrefix("AIRFLOW_VAR_") {
        let key = String(entry.key.dropFirst("AIRFLOW_VAR_".count)).lowercased()
        set.variables.append(ImportedVariable(key: key, value: entry.value, line: entry.line))
      } else {
        set.ignored.append(
          "\(entry.key) (line \(entry.line)) is not an AIRFLOW_CONN_ or AIRFLOW_VAR_ variable")
      }
    }
    if !problems.isEmpty { throw ImportProblems(problems: problems) }
    return set
  }

  // MARK: URI lines

  static func uriLines(_ text: String, file: String) throws(ImportProblems) -> ImportSet {
    var set = ImportSet(format: .uri)
    var problems: [ImportProblem] = []
    for (offset, raw) in text.components(separatedBy: "\n").enumerated() {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line.isEmpty || line.hasPrefix("#") { continue }
      guard let separator = line.firstIndex(where: { $0 == "\t" || $0 == " " }) else {
        problems.append(ImportProblem(file: file, line: offset + 1, reason: "expected conn_id<TAB>URI"))
        continue
      }
      let id = String(line[..<separator])
      let uri = line[separator...].trimmingCharacters(in: .whitespaces)
      do throws(ImportReason) {
        set.connections.append(
          ImportedConnection(connId: id, fields: try connection(fromURI: uri, id: id), line: offset + 1))
      } catch {
        problems.append(ImportProblem(file: file, line: offset + 1, reason: error.text))
      }
    }
    if !problems.isEmpty { throw ImportProblems(problems: problems) }
    return set
  }

  // MARK: airflow_settings.yaml

  /// The Astro CLI's file: conn_* fields or conn_uri, conn_extra as a mapping or a JSON
  /// string, variables; pools are not environment objects and are reported as ignored.
  static func airflowSettings(_ text: String, file: String) throws(ImportProblems) -> ImportSet {
    var set = ImportSet(format: .airflowSettings)
    guard let root = try YAMLInput.compose(text, file: file) else { return set }
    guard let airflow = root["airflow"], case .mapping = airflow else {
      throw ImportProblems(problems: [
        ImportProblem(
          file: file, line: YAMLInput.line(root), reason: "expected a top-level \"airflow:\" mapping")
      ])
    }
    var problems: [ImportProblem] = []
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
          if let value = fields[key].flatMap(YAMLInput.text) { changes.fields[field] = value }
        }
        switch fields["conn_extra"] {
        case .mapping(let extra)?:
          changes.extraSet = YAMLInput.json(.mapping(extra)).objectValue ?? [:]
        case let node? where YAMLInput.text(node) != nil:
          guard let parsed = try? JSONValue.parse(YAMLInput.text(node)!), let members = parsed.objectValue
          else {
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
      set.ignored.append("\(pools.count) pools (airenv manages connections and variables only)")
    }
    if !problems.isEmpty { throw ImportProblems(problems: problems) }
    return set
  }
}
