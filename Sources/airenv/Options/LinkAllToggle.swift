import AirenvModel
import ArgumentParser

/// `--link-all` / `--no-link-all` on update.
struct LinkAllToggle: ParsableArguments {
  @Flag(inversion: .prefixedNo, help: "Link to all current and future Deployments, or stop doing so.")
  var linkAll: Bool?
}
