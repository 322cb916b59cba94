/// What airenv last delivered to one Deployment's target: for each object it manages there,
/// the non-secret fields as applied and a keyed digest of each secret (never the secret, and
/// never anything read back from Airflow). Plans compare with it to tell airenv's changes from
/// changes made in Airflow, and to know which objects airenv may update or delete.
public struct DeliveryRecord: Codable, Equatable, Sendable {
  /// The target's address when this was recorded: a record of another target says nothing.
  public var target: String
  public var airflowVersion: String?
  public var appliedBy: String?
  public var appliedAt: String?
  public var connections: [String: DeliveredObject]
  public var variables: [String: DeliveredObject]
  /// directory targets: each file written, by name, with the SHA-256 of what was written.
  public var files: [String: String]?

  public init(
    target: String, airflowVersion: String? = nil, appliedBy: String? = nil, appliedAt: String? = nil,
    connections: [String: DeliveredObject] = [:], variables: [String: DeliveredObject] = [:]
  ) {
    self.target = target
    self.airflowVersion = airflowVersion
    self.appliedBy = appliedBy
    self.appliedAt = appliedAt
    self.connections = connections
    self.variables = variables
  }

  public subscript(kind: ObjectKind) -> [String: DeliveredObject] {
    get { kind == .connection ? connections : variables }
    // In place: `record[kind][id] = …` for each of 10,000 objects must not copy the dictionary.
    _modify {
      if kind == .connection { yield &connections } else { yield &variables }
    }
  }
}

/// One object as airenv delivered it.
public struct DeliveredObject: Codable, Equatable, Sendable {
  /// Non-secret fields by Airflow's names (`conn_type`, `host`, `extra.<key>`, `value` …);
  /// a field that was not set is absent.
  public var fields: [String: JSONValue]
  /// Keyed digests of secret fields by the same names.
  public var secrets: [String: String]
  /// Set while an apply that sends this object is under way: an interrupted apply leaves it,
  /// so the next plan treats the object as airenv's (to be re-sent), not as a conflict.
  public var pending: Bool?

  public init(fields: [String: JSONValue], secrets: [String: String], pending: Bool? = nil) {
    self.fields = fields
    self.secrets = secrets
    self.pending = pending
  }
}
