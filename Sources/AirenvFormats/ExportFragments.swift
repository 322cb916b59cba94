import AirenvModel

/// The formats whose files are their objects' texts one after another: each object's text is
/// written once, and a file is those texts in order with a head and a tail. An export of many
/// Deployments renders an object once for all the Deployments that get it unchanged.
extension Exporter {
  static func isAssembled(_ format: ExportFormat) -> Bool {
    [.airflowJSON, .env, .shell, .uri, .airflowEnv, .k8sSecret].contains(format)
  }

  /// Whether files of `format` list their objects by id in `JSONEncoder`'s key order (JSON
  /// objects), rather than in the set's order (ids ignoring case).
  static func sortsByEncoderOrder(_ format: ExportFormat) -> Bool {
    [.airflowJSON, .k8sSecret].contains(format)
  }

  /// A connection's text in a file of `format`; nil when `format` is not assembled or cannot
  /// hold this connection (the whole-set writer then says why).
  static func fragment(of connection: ExportConnection, as format: ExportFormat) -> String? {
    guard isAssembled(format), IdentifierRules.problem(withObjectKey: connection.connId) == nil else {
      return nil
    }
    switch format {
    case .airflowJSON, .k8sSecret: return jsonMember(connection.connId, .object(connection.airflowObject))
    case .env, .shell:
      return environmentLine(
        "AIRFLOW_CONN_", connection.connId, JSONValue.object(connection.airflowObject).compactText, as: format
      )
    case .uri: return "\(connection.connId)\t\(AirflowURI.encode(connection))\n"
    case .airflowEnv: return "\(connection.connId)=\(AirflowURI.encode(connection))\n"
    case .airflowYAML, .airflowSettings: return nil
    }
  }

  /// A variable's text in a file of `format` (empty where the format holds no variables); nil
  /// when `format` is not assembled or cannot hold this variable.
  static func fragment(of variable: ExportVariable, as format: ExportFormat) -> String? {
    guard isAssembled(format), IdentifierRules.problem(withObjectKey: variable.key) == nil else { return nil }
    switch format {
    case .airflowJSON, .k8sSecret: return jsonMember(variable.key, .string(variable.value))
    case .env, .shell:
      guard !holdsNUL(variable.value) else { return nil }
      return environmentLine("AIRFLOW_VAR_", variable.key, variable.value, as: format)
    case .uri: return ""
    case .airflowEnv:
      guard !variable.value.isEmpty, !splitsLinesInPython(variable.value) else { return nil }
      return "\(variable.key)=\(variable.value)\n"
    case .airflowYAML, .airflowSettings: return nil
    }
  }

  /// One member of a pretty JSON object at the first level.
  private static func jsonMember(_ id: String, _ value: JSONValue) -> String {
    var text = ""
    JSONValue.prettyMember(id, value, level: 1, into: &text)
    return text
  }

  /// One variable of a process environment: `NAME='value'` for dotenv, `export NAME='value'` for
  /// a shell (nil when the id is not a shell name).
  private static func environmentLine(
    _ prefix: String, _ id: String, _ value: String, as format: ExportFormat
  )
    -> String?
  {
    if format == .env { return environmentName(prefix, id) + "=" + Quoting.dotenv(value) + "\n" }
    guard isShellName(id) else { return nil }
    return "export " + environmentName(prefix, id) + "=" + Quoting.shell(value) + "\n"
  }

  /// Whether a value holds a NUL byte, which an environment variable cannot.
  static func holdsNUL(_ value: String) -> Bool { value.utf8.contains(0) }

  /// A Deployment's files from its objects' texts, each list already in the file's order.
  static func assembled(
    deployment: String, connections: [String], variables: [String], as format: ExportFormat
  ) -> [ExportFile] {
    let heading = "# Airflow connections and variables of Deployment \(deployment), written by airenv\n"
    switch format {
    case .airflowJSON:
      return [
        ExportFile(name: "connections.json", chunks: jsonObject(connections)),
        ExportFile(name: "variables.json", chunks: jsonObject(variables)),
      ]
    case .k8sSecret:
      return [
        ExportFile(
          name: format.fileName,
          contents: kubernetesSecret(
            deployment: deployment, connectionsJSON: jsonObject(connections).joined(),
            variablesJSON: jsonObject(variables).joined()))
      ]
    case .env, .shell: return [ExportFile(name: format.fileName, chunks: [heading] + connections + variables)]
    case .uri: return [ExportFile(name: format.fileName, chunks: connections)]
    case .airflowEnv:
      return [
        ExportFile(name: "connections.env", chunks: connections),
        ExportFile(name: "variables.env", chunks: variables),
      ]
    case .airflowYAML, .airflowSettings: preconditionFailure("\(format.rawValue) is not assembled")
    }
  }

  /// A pretty JSON object (and its final newline) from its members' texts.
  private static func jsonObject(_ members: [String]) -> [String] {
    var chunks = ["{\n"]
    chunks.reserveCapacity(members.count * 2 + 2)
    for (index, member) in members.enumerated() {
      if index > 0 { chunks.append(",\n") }
      chunks.append(member)
    }
    chunks.append("\n}\n")
    return chunks
  }

  /// A POSIX shell variable name's characters: letters, digits and `_`.
  static func isShellName(_ id: String) -> Bool {
    id.utf8.allSatisfy { byte in
      (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
        || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
        || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
    }
  }
}
