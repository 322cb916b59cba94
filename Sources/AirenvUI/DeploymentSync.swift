import AirenvModel

/// What the TUI knows about a Deployment's target: whether the Airflow there holds what the
/// Deployment resolves to. Computed in the background by the runtime; the view-model only shows it.
public struct DeploymentSync: Equatable, Sendable {
  public enum Status: Equatable, Sendable {
    case checking
    case inSync
    case toApply
    case drifted
    case conflict
    case unreachable
  }

  public var status: Status
  /// A few words for the list: `in sync`, `3 to apply`, `drifted`, `unreachable`.
  public var summary: String
  /// Where it delivers (URL or directory), never a credential.
  public var target: String
  /// The plan as lines, for the plan page (secret values never appear, only field names).
  public var lines: [String]
  /// Objects an apply would send, and in words what it would do (the confirmation's blast radius).
  public var toApply: Int
  public var blastRadius: String
  /// Objects out of sync there, by `<kind>/<id>`, with their plan state (`update`, `drifted` …).
  public var objects: [String: String]

  public init(
    status: Status, summary: String, target: String, lines: [String] = [], toApply: Int = 0,
    blastRadius: String = "", objects: [String: String] = [:]
  ) {
    self.objects = objects
    self.status = status
    self.summary = summary
    self.target = target
    self.lines = lines
    self.toApply = toApply
    self.blastRadius = blastRadius
  }

  public static func checking(_ target: String) -> DeploymentSync {
    DeploymentSync(status: .checking, summary: "checking…", target: target)
  }

  /// Where the object is out of sync in this Deployment's target, in a word; nil when it is not.
  func state(of kind: ObjectKind, _ id: String) -> String? { objects[kind.rawValue + "/" + id] }

  var role: StyleRole {
    switch status {
    case .checking: .muted
    case .inSync: .linked
    case .toApply: .accent
    case .drifted, .conflict: .warning
    case .unreachable: .error
    }
  }
}
