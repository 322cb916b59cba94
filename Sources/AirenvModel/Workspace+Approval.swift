extension Workspace {
  /// Makes a new revision of an object, unchanged but for its stamp, by `actor`: saved, it is
  /// signed by them, which vouches for it as it is stored (an object edited by hand, or last
  /// written by someone whose role may not change it, is unverified until then).
  mutating func approve<P>(
    _ path: WritableKeyPath<Workspace, [EnvironmentObject<P>]>, _ reference: ObjectReference, by actor: Actor
  ) throws(ModelError) -> Outcome {
    let index = try index(of: reference, in: self[keyPath: path])
    self[keyPath: path][index].stamp.touch(by: actor)
    let object = self[keyPath: path][index]
    return Outcome(
      message: "approved \(P.kind.rawValue) \"\(object.key)\" as stored (revision \(object.stamp.revision))")
  }

  mutating func approveDeployment(named name: String, by actor: Actor) throws(ModelError) -> Outcome {
    let deployment = try requireDeployment(named: name)
    guard let index = deployments.firstIndex(where: { $0.id == deployment.id }) else {
      throw .notFound(what: "Deployment", name: name, workspace: self.name)
    }
    deployments[index].stamp.touch(by: actor)
    return Outcome(
      message:
        "approved Deployment \"\(deployment.name)\" as stored (revision \(deployments[index].stamp.revision))"
    )
  }
}
