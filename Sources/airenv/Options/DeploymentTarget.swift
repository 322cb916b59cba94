import AirenvFormats
import AirenvModel
import ArgumentParser
import Foundation

/// The Deployment a linking command acts on.
struct DeploymentTarget: ParsableArguments {
  @Option(help: "The Deployment's name.", completion: Completions.deployments) var deployment: String
}
