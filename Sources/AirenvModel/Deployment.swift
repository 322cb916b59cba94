/// A stable identifier; names can change, ids never do, so links survive renames.
public typealias DeploymentID = String
public typealias ObjectID = String
public typealias WorkspaceID = String

/// A Deployment of Airflow (dev, staging, prod, a feature branch …) in a Workspace.
public struct Deployment: Codable, Equatable, Sendable, Identifiable {
  public var id: DeploymentID
  public var name: String
  public var description: String?
  public var tags: [String]
  public var branch: String?
  public var stamp: Stamp
  /// Where its resolved set is delivered; nil until someone sets one.
  public var target: DeliveryTarget?

  public init(
    id: DeploymentID, name: String, description: String? = nil, tags: [String] = [],
    branch: String? = nil, stamp: Stamp, target: DeliveryTarget? = nil
  ) {
    self.id = id
    self.name = name
    self.description = description
    self.tags = tags
    self.branch = branch
    self.stamp = stamp
    self.target = target
  }
}
