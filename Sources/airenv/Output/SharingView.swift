import AirenvModel
import AirenvPresentation

/// The stable JSON shapes of objects in listings and `get`. Secret values are replaced by
/// null and named in `masked` unless revealed.
struct SharingView: JSONShaped {
  var scope: String
  var owner: String?
  var linkedToAll: Bool
  var links: [String]
  var exclusions: [String]

  init<P>(_ object: EnvironmentObject<P>, deploymentNames: [DeploymentID: String]) {
    let sharing = SharingSummary(object, deploymentNames: deploymentNames)
    scope = object.scope == .workspace ? "workspace" : "deployment"
    owner = sharing.owner
    linkedToAll = sharing.linkedToAll
    links = sharing.links
    exclusions = sharing.exclusions
  }

  func writeJSON<Writer: JSONWriter>(to writer: inout Writer) {
    writer.object { writer in
      writer.member("exclusions", strings: exclusions)
      writer.member("linkedToAll", .bool(linkedToAll))
      writer.member("links", strings: links)
      writer.member("owner", JSONValue(owner))
      writer.member("scope", .string(scope))
    }
  }

  /// The listing's words for it, the TUI's too: "all", "all but feature-x", "only dev" …
  var summary: String {
    SharingSummary(owner: owner, linkedToAll: linkedToAll, links: links, exclusions: exclusions).short()
  }
}
