import AirenvText
import Foundation

extension Workspace {
  mutating func createDeployment(
    name: String, description: String?, tags: [String], branch: String?, by actor: Actor
  ) throws(ModelError) -> Outcome {
    try checkDeploymentName(name, excluding: nil)
    if let tag = tags.first(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
      throw .invalidField(field: "tag", reason: "\"\(tag)\" is empty")
    }
    let deployment = Deployment(
      id: IdentifierGenerator.make(prefix: "dep"), name: name,
      description: description.flatMap { $0.isEmpty ? nil : $0 },
      tags: Array(Set(tags)).sorted(), branch: branch.flatMap { $0.isEmpty ? nil : $0 },
      stamp: Stamp(by: actor))
    deployments.append(deployment)
    let shared =
      connections.filter { $0.reach(for: deployment.id) != nil }.count
      + variables.filter { $0.reach(for: deployment.id) != nil }.count
    return Outcome(
      message: "created Deployment \"\(name)\"",
      notes: shared > 0 ? ["it gets \(shared) objects that are linked to all Deployments"] : [])
  }

  mutating func renameDeployment(_ name: String, to newName: String, by actor: Actor)
    throws(ModelError) -> Outcome
  {
    try renameDeployment(withID: try requireDeployment(named: name).id, to: newName, by: actor)
  }

  mutating func renameDeployment(withID id: DeploymentID, to newName: String, by actor: Actor)
    throws(ModelError) -> Outcome
  {
    let deployment = deployments.first { $0.id == id }!
    try checkDeploymentName(newName, excluding: deployment.id)
    let index = deployments.firstIndex { $0.id == deployment.id }!
    deployments[index].name = newName
    deployments[index].stamp.touch(by: actor)
    return Outcome(message: "renamed Deployment \"\(deployment.name)\" to \"\(newName)\"")
  }

  mutating func setTarget(of name: String, to target: DeliveryTarget?, by actor: Actor) throws(ModelError)
    -> Outcome
  {
    let deployment = try requireDeployment(named: name)
    if let problem = target?.problem { throw .invalidField(field: "target", reason: problem) }
    guard deployment.target != target else {
      return Outcome(message: "Deployment \"\(deployment.name)\" already has that target", changed: false)
    }
    let index = deployments.firstIndex { $0.id == deployment.id }!
    deployments[index].target = target
    deployments[index].stamp.touch(by: actor)
    guard let target else {
      return Outcome(
        message: "removed the target of Deployment \"\(deployment.name)\"",
        notes: ["what was applied stays in Airflow; airenv no longer delivers there"])
    }
    return Outcome(message: "Deployment \"\(deployment.name)\" now delivers to \(target.address)")
  }

  mutating func deleteDeployment(_ name: String, confirmed: Bool, by actor: Actor)
    throws(ModelError) -> Outcome
  {
    try deleteDeployment(withID: try requireDeployment(named: name).id, confirmed: confirmed, by: actor)
  }

  mutating func deleteDeployment(withID id: DeploymentID, confirmed: Bool, by actor: Actor)
    throws(ModelError) -> Outcome
  {
    let deployment = deployments.first { $0.id == id }!
    let links =
      connections.filter { $0.links[id] != nil }.count + variables.filter { $0.links[id] != nil }.count
    let exclusions =
      connections.filter { $0.exclusions.contains(id) }.count
      + variables.filter { $0.exclusions.contains(id) }.count
    let scoped =
      connections.filter { $0.scope == .deployment(id) }.count
      + variables.filter { $0.scope == .deployment(id) }.count
    let loss =
      "\(counted(links, "link")), \(counted(exclusions, "exclusion")) and "
      + counted(scoped, "Deployment-scoped object")
    guard confirmed else {
      throw .needsConfirmation(
        Impact(question: "Delete Deployment \"\(deployment.name)\" with its \(loss)?", deploymentCount: 1))
    }
    deployments.removeAll { $0.id == id }
    removeDeployment(id, from: \.connections, by: actor)
    removeDeployment(id, from: \.variables, by: actor)
    return Outcome(message: "deleted Deployment \"\(deployment.name)\" and its \(loss)")
  }

  /// Objects whose links or exclusions named the Deployment change with its deletion.
  private mutating func removeDeployment<P>(
    _ id: DeploymentID, from path: WritableKeyPath<Workspace, [EnvironmentObject<P>]>, by actor: Actor
  ) {
    self[keyPath: path].removeAll { $0.scope == .deployment(id) }
    for index in self[keyPath: path].indices {
      let object = self[keyPath: path][index]
      guard object.links[id] != nil || object.exclusions.contains(id) else { continue }
      self[keyPath: path][index].links[id] = nil
      self[keyPath: path][index].exclusions.remove(id)
      self[keyPath: path][index].stamp.touch(by: actor)
    }
  }

  private func checkDeploymentName(_ name: String, excluding id: DeploymentID?) throws(ModelError) {
    if let reason = IdentifierRules.problem(withDeploymentName: name) {
      throw .invalidName(what: "Deployment", name: name, reason: reason)
    }
    if let existing = deployments.first(where: {
      $0.id != id && $0.name.lowercased() == name.lowercased()
    }) {
      throw .duplicateName(what: "Deployment", name: name, existing: existing.name)
    }
  }
}
