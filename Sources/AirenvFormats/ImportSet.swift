import AirenvModel

/// A connection read from a file, with the line it starts on.
public struct ImportedConnection: Equatable, Sendable {
  public var connId: String
  /// Every field the file sets; the others are absent.
  public var fields: ConnectionChanges
  public var line: Int
}

public struct ImportedVariable: Equatable, Sendable {
  public var key: String
  public var value: String
  public var description: String?
  public var line: Int
}

/// What a file holds, before any of it is applied.
public struct ImportSet: Equatable, Sendable {
  public var format: ImportFormat
  public var connections: [ImportedConnection] = []
  public var variables: [ImportedVariable] = []
  /// Entries read but not imported, with why (pools, other environment variables …).
  public var ignored: [String] = []
  /// Every problem found while reading, each with its line; the entries above are the ones
  /// that read, so that the model's rules can report theirs in the same pass.
  public var problems: [ImportProblem] = []
}

/// A reason an input file is refused, with the place it applies to.
public struct ImportProblem: Error, Equatable, Sendable {
  public var file: String
  public var line: Int?
  public var reason: String

  public init(file: String, line: Int?, reason: String) {
    self.file = file
    self.line = line
    self.reason = reason
  }

  public var message: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(reason)" }
}

/// Every problem found in one file: an import reports them all, then writes nothing.
public struct ImportProblems: Error, Equatable, Sendable {
  public var problems: [ImportProblem]

  public init(problems: [ImportProblem]) { self.problems = problems }
}

/// The formats `airenv import` reads (SPEC §7.2).
public enum ImportFormat: String, CaseIterable, Sendable {
  case auto
  /// The Astro CLI's airflow_settings.yaml.
  case airflowSettings = "airflow-settings"
  /// A dotenv file of AIRFLOW_CONN_* (URI or JSON) and AIRFLOW_VAR_*.
  case env
  /// LocalFilesystemBackend or `airflow connections|variables export` JSON.
  case airflowJSON = "airflow-json"
  /// LocalFilesystemBackend or `airflow connections export` YAML.
  case airflowYAML = "airflow-yaml"
  /// LocalFilesystemBackend or `airflow connections export` .env (id=URI, key=value).
  case airflowEnv = "airflow-env"
  /// conn_id<TAB>URI lines.
  case uri
}
