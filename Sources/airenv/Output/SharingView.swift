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

  init<P>(_ object: EnvironmentObject<P>, in workspace: Workspace) {
    let sharing = SharingSummary(object, in: workspace)
    scope = object.scope == .workspace ? "workspace" : "deployment"
    owner = sharing.owner
    linkedToAll = sharing.linkedToAll
    links = sharing.links
    exclusions = sharing.exclusions
  }

  var json: JSONValue {
    .members([
      "scope": .string(scope), "owner": JSONValue(owner), "linkedToAll": .bool(linkedToAll),
      "links": .strings(links), "exclusions": .strings(exclusions),
    ])
  }

  /// The listing's words for it, the TUI's too: "all", "all but feature-x", "only dev" …
  var summary: String {
    SharingSummary(owner: owner, linkedToAll: linkedToAll, links: links, exclusions: exclusions).short()
  }
}
