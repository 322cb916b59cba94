import AirenvFormats
import AirenvModel
import ArgumentParser
import Foundation

/// Names one object; `--scope-deployment` picks a Deployment-scoped one.
struct ObjectSelector: ParsableArguments {
  @Argument(help: "The conn_id or variable key.", completion: Completions.objects) var id: String
  @Option(
    name: .customLong("scope-deployment"), help: "The Deployment that owns a Deployment-scoped object.",
    completion: Completions.deployments)
  var scopeDeployment: String?
  @Option(help: "Refuse the change if the object's revision is no longer N (as read by `get`).")
  var expectRevision: Int?

  func reference(_ kind: ObjectKind) -> ObjectReference {
    ObjectReference(kind, id, scopeDeployment: scopeDeployment, expectedRevision: expectRevision)
  }
}
