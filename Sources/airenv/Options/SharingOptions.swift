import AirenvModel
import ArgumentParser

/// Create-time sharing options.
struct SharingOptions: ParsableArguments {
  @Flag(help: "Link to all current and future Deployments.") var linkAll = false
  @Option(
    name: .customLong("scope-deployment"), help: "Make it belong to one Deployment only.",
    completion: Completions.deployments)
  var scopeDeployment: String?

  func sharing() throws -> Sharing {
    if let scopeDeployment {
      if linkAll { throw Failure.usage("--link-all and --scope-deployment exclude each other") }
      return .scoped(toDeployment: scopeDeployment)
    }
    return linkAll ? .linkedToAll : .restricted
  }
}
