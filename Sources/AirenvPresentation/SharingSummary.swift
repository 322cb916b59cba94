import AirenvModel
import AirenvText

/// Which Deployments an object reaches, in the words every listing and detail view uses: the
/// CLI's tables and the TUI's list and detail pane say the same thing the same way.
public struct SharingSummary: Equatable, Sendable {
  /// The Deployment that owns a Deployment-scoped object.
  public var owner: String?
  public var linkedToAll: Bool
  /// Deployment names, sorted.
  public var links: [String]
  public var exclusions: [String]

  public init(owner: String?, linkedToAll: Bool, links: [String], exclusions: [String]) {
    self.owner = owner
    self.linkedToAll = linkedToAll
    self.links = links
    self.exclusions = exclusions
  }

  /// One object's (a row of a screen): each name found among the Deployments.
  public init<P>(_ object: EnvironmentObject<P>, in workspace: Workspace) {
    self.init(object) { workspace.deployment(id: $0)?.name ?? $0 }
  }

  /// With the Deployments' names looked up in `deploymentNames`: a listing of 5,000 objects
  /// with ten links each makes the map once instead of searching the Deployments 50,000 times.
  public init<P>(_ object: EnvironmentObject<P>, deploymentNames: [DeploymentID: String]) {
    self.init(object) { deploymentNames[$0] ?? $0 }
  }

  private init<P>(_ object: EnvironmentObject<P>, name: (DeploymentID) -> String) {
    owner = object.scope.owningDeployment.map(name)
    linkedToAll = object.linkedToAll
    links = object.links.keys.map(name).sorted()
    exclusions = object.exclusions.map(name).sorted()
  }

  /// One cell of a listing: "all", "all but dev", "prod, staging", "only dev", "none"; when the
  /// names do not fit `width` columns, counts instead ("all but 3", "4 linked").
  public func short(width: Int = .max) -> String {
    if let owner { return "only " + owner }
    let names = linkedToAll ? exclusions : links
    if names.isEmpty { return linkedToAll ? "all" : "none" }
    let prefix = linkedToAll ? "all but " : ""
    let spelled = prefix + names.joined(separator: ", ")
    if CellWidth.of(spelled) <= width { return spelled }
    return linkedToAll ? "all but \(names.count)" : "\(names.count) linked"
  }

  /// The detail view's line.
  public var sentence: String {
    if let owner { return "Only Deployment \(owner) (Deployment-scoped)" }
    if linkedToAll {
      return "Linked to all Deployments"
        + (exclusions.isEmpty ? "" : ", \(exclusions.count) excluded")
    }
    return "Restricted: linked to " + counted(links.count, "Deployment")
  }
}
