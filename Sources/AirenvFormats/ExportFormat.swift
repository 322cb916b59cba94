import AirenvModel
import Foundation
import Yams

/// The formats a Deployment's resolved set is written in (SPEC §7.1).
public enum ExportFormat: String, CaseIterable, Sendable {
  case airflowJSON = "airflow-json"
  case airflowYAML = "airflow-yaml"
  case airflowEnv = "airflow-env"
  case env
  case shell
  case airflowSettings = "airflow-settings"
  case uri
  case k8sSecret = "k8s-secret"

  /// Whether the format is a pair of files (connections and variables), so it needs a directory.
  public var isFilePair: Bool { [.airflowJSON, .airflowYAML, .airflowEnv].contains(self) }

  /// Whether Airflow reads every connection of the file on each lookup (LocalFilesystemBackend).
  public var isReadWhole: Bool { isFilePair || self == .k8sSecret }

  /// The file name for a single-file format written to a directory.
  public var fileName: String {
    switch self {
    case .env: ".env"
    case .shell: "airflow-env.sh"
    case .airflowSettings: "airflow_settings.yaml"
    case .uri: "connections.uri"
    case .k8sSecret: "secret.yaml"
    case .airflowJSON, .airflowYAML, .airflowEnv: ""
    }
  }
}

public struct ExportFile: Equatable, Sendable {
  public var name: String
  /// The text in pieces, in order: an export of many objects is assembled from the text of
  /// each object and streamed to its file, never copied into one string.
  public var chunks: [String]

  public var contents: String { chunks.joined() }

  public init(name: String, contents: String) {
    self.name = name
    chunks = [contents]
  }

  public init(name: String, chunks: [String]) {
    self.name = name
    self.chunks = chunks
  }

  public static func == (left: Self, right: Self) -> Bool {
    left.name == right.name && left.contents == right.contents
  }
}

public enum Exporter {
  public static func files(_ set: ExportSet, as format: ExportFormat) throws(ExportProblem) -> [ExportFile] {
    try checkNames(set)
    switch format {
    case .airflowJSON, .k8sSecret, .uri:
      break
    case .airflowYAML:
      return [
        ExportFile(
          name: "connections.yaml", contents: QuotedYAML.text(QuotedYAML.node(connectionsObject(set)))),
        ExportFile(name: "variables.yaml", contents: QuotedYAML.text(QuotedYAML.node(variablesObject(set)))),
      ]
    case .airflowEnv:
      try checkLocalFilesystemEnv(set)
    case .env:
      try refuseNUL(set, format: format)
    case .shell:
      try refuseNUL(set, format: format)
      try checkShellNames(set)
    case .airflowSettings:
      return [ExportFile(name: format.fileName, contents: airflowSettings(set))]
    }
    // Every check has passed: each object has its text in this format.
    var connections = set.connections
    var variables = set.variables
    if sortsByEncoderOrder(format) {
      connections.sort { JSONValue.precedesInEncoderOrder($0.connId, $1.connId) }
      variables.sort { JSONValue.precedesInEncoderOrder($0.key, $1.key) }
    }
    return assembled(
      deployment: set.deployment, connections: connections.map { fragment(of: $0, as: format)! },
      variables: variables.map { fragment(of: $0, as: format)! }, as: format)
  }

  /// A second line of defence behind the checks on input and on load: every id and the
  /// Deployment's name must follow the rules before they are written into a file that a shell,
  /// a dotenv reader or Airflow interprets, so no hand-edited name can become code or a path.
  static func checkNames(_ set: ExportSet) throws(ExportProblem) {
    var problems: [String] = []
    if let problem = IdentifierRules.problem(withDeploymentName: set.deployment) {
      problems.append("the Deployment name \(problem)")
    }
    for id in set.connections.map(\.connId) + set.variables.map(\.key) {
      if let problem = IdentifierRules.problem(withObjectKey: id) {
        problems.append("the id \"\(id.prefix(80))\" is not allowed: \(problem)")
      }
    }
    guard problems.isEmpty else { throw .unrepresentable(format: "any", reasons: problems) }
  }

  // MARK: LocalFilesystemBackend JSON and YAML

  static func connectionsObject(_ set: ExportSet) -> JSONValue {
    .object(Dictionary(uniqueKeysWithValues: set.connections.map { ($0.connId, .object($0.airflowObject)) }))
  }

  /// Variable values are always strings: JSON-valued variables stay JSON text, as
  /// `Variable.get(key, deserialize_json=True)` expects.
  static func variablesObject(_ set: ExportSet) -> JSONValue {
    .object(Dictionary(uniqueKeysWithValues: set.variables.map { ($0.key, .string($0.value)) }))
  }

  // MARK: LocalFilesystemBackend .env

  /// Connections are written as URIs (a JSON value is silently misread there), variables raw:
  /// no quotes, no escapes, one line each, never empty.
  static func checkLocalFilesystemEnv(_ set: ExportSet) throws(ExportProblem) {
    var problems: [String] = []
    for variable in set.variables {
      if variable.value.isEmpty { problems.append("variable \(variable.key) is empty") }
      if splitsLinesInPython(variable.value) {
        problems.append("variable \(variable.key) spans lines (as Python's splitlines() reads them)")
      }
    }
    guard problems.isEmpty else {
      throw .unrepresentable(format: "airflow-env", reasons: problems + ["use airflow-json or airflow-yaml"])
    }
  }

  /// Whether Python's `str.splitlines()` — which Airflow's `.env` reader uses — would break the
  /// text: besides the usual line ends, the file, group and record separators (0x1C–0x1E) and
  /// NEL; a value holding one would become a second `KEY=value` line.
  static func splitsLinesInPython(_ text: String) -> Bool {
    text.unicodeScalars.contains { scalar in
      switch scalar.value {
      case 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029: true
      default: false
      }
    }
  }

  /// A process environment cannot hold a NUL byte: a shell would cut the value there silently.
  static func refuseNUL(_ set: ExportSet, format: ExportFormat) throws(ExportProblem) {
    // Connections are written as JSON, which writes a NUL as \u0000: only variables hold one raw.
    let bad = set.variables.filter { holdsNUL($0.value) }.map(\.key)
    guard bad.isEmpty else {
      throw .unrepresentable(
        format: format.rawValue,
        reasons: ["\(bad.joined(separator: ", ")) holds a NUL byte, which an environment variable cannot"])
    }
  }

  // MARK: Process environment

  static func environmentName(_ prefix: String, _ id: String) -> String { prefix + id.uppercased() }

  /// A name must be a POSIX shell name (letters, digits and `_`), so ids with `.` or `-` are
  /// refused for the shell format.
  static func checkShellNames(_ set: ExportSet) throws(ExportProblem) {
    let bad = (set.connections.map(\.connId) + set.variables.map(\.key)).filter { !isShellName($0) }
    guard bad.isEmpty else {
      throw .unrepresentable(
        format: "shell",
        reasons: [
          "\(bad.joined(separator: ", ")) cannot be shell variable names (\".\" or \"-\"); use --format env"
        ])
    }
  }

  // MARK: Astro CLI's airflow_settings.yaml

  static func airflowSettings(_ set: ExportSet) -> String {
    let connections: [Node] = set.connections.map { connection in
      var pairs: [(String, Node)] = [
        ("conn_id", QuotedYAML.node(.string(connection.connId))),
        ("conn_type", QuotedYAML.node(.string(connection.connType))),
      ]
      let texts: [(String, String?)] = [
        ("conn_host", connection.host), ("conn_schema", connection.schema), ("conn_login", connection.login),
        ("conn_password", connection.password),
      ]
      for (name, value) in texts { if let value { pairs.append((name, QuotedYAML.node(.string(value)))) } }
      if let port = connection.port { pairs.append(("conn_port", QuotedYAML.node(.integer(Int64(port))))) }
      if !connection.extra.isEmpty {
        pairs.append(("conn_extra", QuotedYAML.node(.object(connection.extra))))
      }
      return QuotedYAML.ordered(pairs)
    }
    let variables: [Node] = set.variables.map { variable in
      QuotedYAML.ordered([
        ("variable_name", QuotedYAML.node(.string(variable.key))),
        ("variable_value", QuotedYAML.node(.string(variable.value))),
      ])
    }
    let root = QuotedYAML.ordered([
      (
        "airflow",
        QuotedYAML.ordered([
          ("connections", Node(connections, Tag(.seq), .block)),
          ("pools", Node([], Tag(.seq), Node.Sequence.Style.flow)),
          ("variables", Node(variables, Tag(.seq), .block)),
        ])
      )
    ])
    return QuotedYAML.text(root)
  }

  // MARK: Kubernetes Secret

  /// A DNS-1123 name for the Secret: lower-case letters, digits and `-`.
  static func secretName(_ deployment: String) -> String {
    let cleaned = deployment.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
    return String(("airenv-" + cleaned).prefix(253)).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
  }

  static func kubernetesSecret(deployment: String, connectionsJSON: String, variablesJSON: String) -> String {
    let connections = Data(connectionsJSON.utf8).base64EncodedString()
    let variables = Data(variablesJSON.utf8).base64EncodedString()
    let plain = { (text: String) in Node(text, Tag(.str), .plain) }
    let root = QuotedYAML.ordered([
      ("apiVersion", plain("v1")),
      ("kind", plain("Secret")),
      (
        "metadata",
        QuotedYAML.ordered([
          ("name", plain(secretName(deployment))),
          (
            "labels",
            QuotedYAML.ordered([
              ("app.kubernetes.io/managed-by", plain("airenv")),
              ("airenv/deployment", Node(deployment, Tag(.str), .doubleQuoted)),
            ])
          ),
        ])
      ),
      ("type", plain("Opaque")),
      (
        "data",
        QuotedYAML.ordered([("connections.json", plain(connections)), ("variables.json", plain(variables))])
      ),
    ])
    return QuotedYAML.text(root)
  }
}
