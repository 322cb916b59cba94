import AirenvFormats
import AirenvModel
import AirenvStore
import AirenvUI
import Foundation

// Measures SPEC §8's budgets on a generated Workspace: 5,000 connections, 5,000 variables,
// 100 Deployments, half the objects linked to all, 10% of links overridden.
// Run: swift run -c release airenv-benchmark [--connections N] [--deployments N]

func argument(_ name: String, _ fallback: Int) -> Int {
  guard let index = CommandLine.arguments.firstIndex(of: name), index + 1 < CommandLine.arguments.count else {
    return fallback
  }
  return Int(CommandLine.arguments[index + 1]) ?? fallback
}

let objectCount = argument("--connections", 5_000)
let deploymentCount = argument("--deployments", 100)
let actor = Actor(user: "bench", time: Date())

func milliseconds(_ start: DispatchTime) -> Double {
  Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1_000_000
}

func percentile(_ samples: [Double], _ p: Double) -> Double {
  let sorted = samples.sorted()
  return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

/// Builds the objects directly: going through a command per link would make generating
/// the data, not airenv, the thing measured.
func generate() throws -> Workspace {
  var workspace = Workspace(id: "ws_bench", name: "bench", stamp: Stamp(by: actor))
  for index in 0..<deploymentCount {
    try workspace.apply(
      .createDeployment(name: String(format: "deploy-%03d", index), description: nil, tags: [], branch: nil),
      by: actor)
  }
  let ids = workspace.deployments.map(\.id)
  var generator = SystemRandomNumberGenerator()
  for index in 0..<objectCount {
    var links: [DeploymentID: ConnectionOverride] = [:]
    var variableLinks: [DeploymentID: VariableOverride] = [:]
    for link in 0..<10 {
      let id = ids[Int.random(in: 0..<ids.count, using: &generator)]
      links[id] = link == 0 ? ConnectionOverride(fields: [.host: "prod-\(index)"]) : ConnectionOverride()
      variableLinks[id] = link == 0 ? VariableOverride(value: "override-\(index)") : VariableOverride()
    }
    workspace.connections.append(
      Connection(
        id: String(format: "con_%05d", index), key: String(format: "conn_%05d", index), scope: .workspace,
        base: ConnectionPayload(
          fields: [
            .connType: "postgres", .host: "db-\(index).example.com", .login: "app", .password: "pw-\(index)",
            .port: "5432",
          ],
          extra: ["sslmode": .string("require")]),
        linkedToAll: index % 2 == 0, links: links, stamp: Stamp(by: actor)))
    workspace.variables.append(
      Variable(
        id: String(format: "var_%05d", index), key: String(format: "var_%05d", index), scope: .workspace,
        base: VariablePayload(value: "value-\(index)"), linkedToAll: index % 2 == 0, links: variableLinks,
        stamp: Stamp(by: actor)))
  }
  return workspace
}

print(
  "airenv benchmark: \(objectCount) connections, \(objectCount) variables, \(deploymentCount) Deployments")
let generation = DispatchTime.now()
let workspace = try generate()
print(String(format: "  generated in %.0f ms", milliseconds(generation)))

let root = NSTemporaryDirectory() + "airenv-benchmark-\(getpid())"
defer { try? FileManager.default.removeItem(atPath: root) }
let repository = Repository(root: root, keyring: Keyring(environment: ["AIRENV_KEY_FILE": root + ".key"]))
try repository.initialize()
let created = try repository.createWorkspace(named: "bench", by: actor)
let firstWrite = DispatchTime.now()
try repository.update(workspace: "bench") { stored in
  stored.deployments = workspace.deployments
  stored.connections = workspace.connections
  stored.variables = workspace.variables
}
print(String(format: "  first save of everything: %.0f ms", milliseconds(firstWrite)))
_ = created

var results: [(String, String, String)] = []
// Open to first frame: read the Workspace from disk, build the state, render the matrix.
// Each sample starts with a new Repository, as a new process does: nothing decoded is kept.
var openSamples: [Double] = []
var loaded = workspace
for _ in 0..<5 {
  let start = DispatchTime.now()
  loaded = try Repository(root: root, keyring: repository.keyring).read(workspace: "bench")
  var state = AppState(
    workspace: loaded, session: SessionInfo(repository: root, user: "bench", readonly: false), width: 200,
    height: 60)
  _ = update(&state, .toggleMatrix)
  _ = render(state)
  openSamples.append(milliseconds(start))
}
results.append(
  (
    "open to first frame (read + index + render)",
    String(format: "%.0f ms (median of 5)", percentile(openSamples, 0.5)), "≤ 150 ms"
  ))

// Keystrokes in the matrix: move right/down and scroll, each handled and rendered.
var state = AppState(
  workspace: loaded, session: SessionInfo(repository: root, user: "bench", readonly: false), width: 200,
  height: 60)
_ = update(&state, .toggleMatrix)
let keys: [Action] = [
  .moveDown, .moveDown, .moveRight, .pageDown, .moveRight, .moveDown, .moveLeft, .moveEnd, .moveHome,
]
var keySamples: [Double] = []
var previous = render(state)
var changedCells = 0
for index in 0..<3_000 {
  let start = DispatchTime.now()
  _ = update(&state, keys[index % keys.count])
  let frame = render(state)
  keySamples.append(milliseconds(start))
  changedCells += zip(frame.cells, previous.cells).filter { $0 != $1 }.count
  previous = frame
}
results.append(
  (
    "matrix keystroke (update + render)",
    String(format: "p50 %.3f ms, p99 %.3f ms", percentile(keySamples, 0.5), percentile(keySamples, 0.99)),
    "≤ 2 ms p99"
  ))
results.append(
  ("cells rewritten per matrix keystroke (of 12,000)", String(changedCells / 3_000), "changed cells only"))

// A keystroke that proposes a change (toggle a link) is checked on a copy first.
var toggleSamples: [Double] = []
for _ in 0..<200 {
  var copy = state
  let start = DispatchTime.now()
  _ = update(&copy, .toggleLink)
  _ = render(copy)
  toggleSamples.append(milliseconds(start))
}
results.append(
  (
    "matrix Space (propose a link change)",
    String(
      format: "p50 %.2f ms, p99 %.2f ms", percentile(toggleSamples, 0.5), percentile(toggleSamples, 0.99)),
    "≤ 2 ms p99"
  ))

// One saved change: lock, re-read, apply, write the changed file.
var saveSamples: [Double] = []
for index in 0..<10 {
  let start = DispatchTime.now()
  try repository.update(workspace: "bench") { stored in
    try stored.apply(
      .updateVariable(
        ObjectReference(.variable, "var_00001"), VariableChanges(value: "v\(index)"), linkedToAll: nil),
      by: actor)
  }
  saveSamples.append(milliseconds(start))
}
results.append(
  (
    "one saved change (CLI or TUI)", String(format: "%.0f ms (median of 10)", percentile(saveSamples, 0.5)),
    "≤ 50 ms"
  ))

// Resolve + export one Deployment, and all of them.
let target = loaded.sortedDeployments[0]
var exportSamples: [Double] = []
for _ in 0..<5 {
  let start = DispatchTime.now()
  let set = try ExportSet(workspace: loaded, deployment: target, includingSecrets: true)
  _ = try Exporter.files(set, as: .env)
  exportSamples.append(milliseconds(start))
}
results.append(
  (
    "resolve + export one Deployment (env)",
    String(format: "%.0f ms (median of 5)", percentile(exportSamples, 0.5)), "≤ 50 ms"
  ))
let all = DispatchTime.now()
// As `airenv export --all` does it: every Deployment resolved and written out on every core.
try Exporter.forEachExport(of: loaded, for: loaded.sortedDeployments, includingSecrets: true, as: .env) {
  _ = try $1.get()
}
results.append(
  ("export all \(deploymentCount) Deployments (env)", String(format: "%.0f ms", milliseconds(all)), "≤ 2 s"))

var usage = rusage()
getrusage(RUSAGE_SELF.rawValue, &usage)
results.append(("peak memory (max RSS)", "\(usage.ru_maxrss / 1024) MB", "≤ 150 MB"))

let width = results.map { $0.0.count }.max()!
for (name, value, budget) in results {
  print(
    "  " + name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value + "   (budget " + budget
      + ")")
}
