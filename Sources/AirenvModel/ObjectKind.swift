/// The two kinds of environment object a Workspace holds.
public enum ObjectKind: String, Codable, Sendable, CaseIterable {
  case connection
  case variable

  /// How a user names the object's identifier.
  public var keyName: String { self == .connection ? "conn_id" : "key" }
  public var plural: String { self == .connection ? "connections" : "variables" }
}

/// Where an object lives: shared from the Workspace, or owned by one Deployment.
public enum Scope: Hashable, Sendable {
  case workspace
  case deployment(DeploymentID)

  public var owningDeployment: DeploymentID? {
    if case .deployment(let id) = self { return id }
    return nil
  }
}

extension Scope: Codable {
  private enum CodingKeys: String, CodingKey { case kind, deployment }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    switch try container.decode(String.self, forKey: .kind) {
    case "workspace":
      guard !container.contains(.deployment) else {
        throw DecodingError.dataCorruptedError(
          forKey: .deployment, in: container, debugDescription: "a Workspace scope names no Deployment")
      }
      self = .workspace
    case "deployment": self = .deployment(try container.decode(String.self, forKey: .deployment))
    case let other:
      throw DecodingError.dataCorruptedError(
        forKey: .kind, in: container, debugDescription: "unknown scope \"\(other)\"")
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    switch self {
    case .workspace:
      try container.encode("workspace", forKey: .kind)
    case .deployment(let id):
      try container.encode("deployment", forKey: .kind)
      try container.encode(id, forKey: .deployment)
    }
  }
}

/// Where a resolved field's value comes from.
public enum Provenance: String, Codable, Sendable {
  case base
  case override
  case scoped
}
