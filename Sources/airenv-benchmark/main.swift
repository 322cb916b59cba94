import AirenvApp
import AirenvFormats
import AirenvModel
import AirenvStore
import AirenvUI
import CFileSync
import Foundation

// Measures SPEC §8's budgets on a generated Workspace: 5,000 connections, 5,000 variables,
// 100 Deployments, half the objects linked to all, 10% of links overridden; or, with --dense,
// the worst case: every object linked to all and 500 overrides of each kind on one Deployment.
// Run: swift run -c release airenv-benchmark [--dense] [--connections N] [--deployments N] [--skip-imports]

/// The harness's options, checked like any other input: an unknown flag or a count that is not a
/// positive number stops it before minutes of measuring.
struct BenchmarkOptions {
  var connections = 5_000
  var deployments = 100
  var skipImports = false
  var dense = false
  /// Where to write the generated repository and leave it (for profiling one command).
  var keep: String?
  /// Measure the data-key rows (issue 13) at the end: they move the repository to data keys.
  var dataKeys = false

  static let usage = """
    usage: airenv-benchmark [--dense] [--connections N] [--deployments N] [--skip-imports] [--data-keys]
      --dense           every object linked to all Deployments, every connection with a password
                        and extras, 500 connections and 500 variables overridden on one Deployment
      --connections N   connections, and as many variables, to generate (default 5000)
      --deployments N   Deployments to generate (default 100)
      --skip-imports    leave out the import rows (they take minutes at the default size)
      --data-keys       end with `key migrate` and the rows of a membership change that re-encrypts
      --keep DIR        write the generated repository to DIR (key DIR.key), leave it there and stop
    """

  init(_ arguments: ArraySlice<String>) throws(BenchmarkUsageError) {
    var rest = arguments
    while let flag = rest.popFirst() {
      switch flag {
      case "--connections": connections = try Self.count(flag, rest.popFirst())
      case "--deployments": deployments = try Self.count(flag, rest.popFirst())
      case "--skip-imports": skipImports = true
      case "--dense": dense = true
      case "--data-keys": dataKeys = true
      case "--keep":
        guard let directory = rest.popFirst(), directory.hasPrefix("/") else {
          throw BenchmarkUsageError(message: "--keep needs an absolute directory path")
        }
        keep = directory
      case "-h", "--help": throw BenchmarkUsageError(message: nil)
      default: throw BenchmarkUsageError(message: "unknown argument \"\(flag)\"")
      }
    }
  }

  private static func count(_ flag: String, _ value: String?) throws(BenchmarkUsageError) -> Int {
    guard let value, let number = Int(value), (1...1_000_000).contains(number) else {
      throw BenchmarkUsageError(message: "\(flag) needs a whole number from 1 to 1000000")
    }
    return number
  }
}

struct BenchmarkUsageError: Error {
  /// Nil when the usage was asked for.
  let message: String?
}

let options: BenchmarkOptions
do {
  options = try BenchmarkOptions(CommandLine.arguments.dropFirst())
} catch {
  if let message = error.message {
    FileHandle.standardError.write(
      Data("airenv-benchmark: error: \(message)\n\(BenchmarkOptions.usage)\n".utf8))
    exit(2)
  }
  print(BenchmarkOptions.usage)
  exit(0)
}
let objectCount = options.connections
let deploymentCount = options.deployments
let actor = Actor(user: "bench", time: Date())

func milliseconds(_ start: DispatchTime) -> Double {
  Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1_000_000
}

func percentile(_ samples: [Double], _ p: Double) -> Double {
  let sorted = samples.sorted()
  return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

/// A keystroke row: its median and 99th percentile against the 2 ms budget.
func keystrokeRow(_ name: String, _ samples: [Double]) -> (String, String, String) {
  (
    name, String(format: "p50 %.3f ms, p99 %.3f ms", percentile(samples, 0.5), percentile(samples, 0.99)),
    "≤ 2 ms p99"
  )
}

/// Spawns `executable` with its standard streams set up by `streams`; returns its pid and the
/// moment it was spawned.
func spawn(
  _ executable: String, arguments: [String], environment: [String],
  streams: (inout posix_spawn_file_actions_t) -> Void
) throws -> (pid: pid_t, start: DispatchTime) {
  var actions = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  streams(&actions)
  let argv = ([executable] + arguments).map { strdup($0) } + [nil]
  let envp = environment.map { strdup($0) } + [nil]
  defer { (argv + envp).forEach { free($0) } }
  var pid: pid_t = 0
  let start = DispatchTime.now()
  guard posix_spawn(&pid, executable, &actions, nil, argv, envp) == 0 else {
    throw CocoaError(.executableLoad)
  }
  return (pid, start)
}

/// Starts `executable` on a new pseudo-terminal and returns the milliseconds until `marker`
/// appears in what it writes; then quits it with `q`.
func timeToFirstFrame(_ executable: String, arguments: [String], marker: String, environment: [String])
  throws -> Double
{
  var master: Int32 = 0
  var slave: Int32 = 0
  var size = winsize(ws_row: 60, ws_col: 200, ws_xpixel: 0, ws_ypixel: 0)
  guard openpty(&master, &slave, nil, nil, &size) == 0 else { throw CocoaError(.fileReadUnknown) }
  let (pid, start) = try spawn(executable, arguments: arguments, environment: environment) { actions in
    for descriptor in Int32(0)...2 { posix_spawn_file_actions_adddup2(&actions, slave, descriptor) }
    posix_spawn_file_actions_addclose(&actions, master)
  }
  close(slave)
  var output: [UInt8] = []
  var buffer = [UInt8](repeating: 0, count: 65_536)
  let wanted = Array(marker.utf8)
  var elapsed = 0.0
  while true {
    let count = read(master, &buffer, buffer.count)
    guard count > 0 else { throw CocoaError(.fileReadCorruptFile) }
    output += buffer[0..<count]
    if output.count >= wanted.count,
      (0...(output.count - wanted.count)).contains(where: {
        output[$0..<($0 + wanted.count)].elementsEqual(wanted)
      })
    {
      elapsed = milliseconds(start)
      break
    }
  }
  _ = write(master, "q", 1)
  // Keep reading until the program has restored the terminal and exited.
  while read(master, &buffer, buffer.count) > 0 {}
  var status: Int32 = 0
  waitpid(pid, &status, 0)
  close(master)
  return elapsed
}

/// Runs `executable` with output discarded and returns the milliseconds until it exited.
/// (Foundation's Process added some 20 to 40 ms of its own to this measure.)
func timeToExit(_ executable: String, arguments: [String], environment: [String]) throws -> Double {
  let (pid, start) = try spawn(executable, arguments: arguments, environment: environment) { actions in
    for descriptor in Int32(0)...2 {
      posix_spawn_file_actions_addopen(
        &actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
    }
  }
  var status: Int32 = 0
  waitpid(pid, &status, 0)
  let elapsed = milliseconds(start)
  // A command that failed measured nothing: stop rather than print its time as a result.
  guard status == 0 else {
    print("airenv-benchmark: `airenv \(arguments.joined(separator: " "))` failed (wait status \(status))")
    exit(1)
  }
  return elapsed
}

/// The physical floor of writing `count` files as a save does (each under a temporary name,
/// one flush of the file system, each renamed into place, the directory flushed), measured on
/// the same file system just before a row: this machine's disk varies several-fold from one
/// minute to the next, so a row is only meaningful beside it.
func fileWritingFloor(count: Int, size: Int, in directory: String) -> Double {
  mkdir(directory, 0o700)
  let bytes = [UInt8](repeating: UInt8(ascii: "x"), count: size)
  let start = DispatchTime.now()
  for index in 0..<count {
    let descriptor = open("\(directory)/.f\(index).tmp", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, size) }
    close(descriptor)
  }
  let handle = open(directory, O_RDONLY | O_DIRECTORY)
  airenv_sync_file_system(handle)
  for index in 0..<count { rename("\(directory)/.f\(index).tmp", "\(directory)/f\(index).json") }
  fsync(handle)
  close(handle)
  return milliseconds(start)
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
    var extra: [String: JSONValue] = ["sslmode": .string("require")]
    if options.dense {
      // Every object reaches every Deployment; the first 500 of each kind differ on one of them.
      if index < 500 {
        links[ids[0]] = ConnectionOverride(fields: [.host: "prod-\(index)", .password: "prod-pw-\(index)"])
        variableLinks[ids[0]] = VariableOverride(value: "override-\(index)")
      }
      extra["application_name"] = .string("app-\(index)")
      extra["options"] = .object(["connect_timeout": .integer(10), "keepalives": .bool(true)])
    } else {
      for link in 0..<10 {
        let id = ids[Int.random(in: 0..<ids.count, using: &generator)]
        links[id] = link == 0 ? ConnectionOverride(fields: [.host: "prod-\(index)"]) : ConnectionOverride()
        variableLinks[id] = link == 0 ? VariableOverride(value: "override-\(index)") : VariableOverride()
      }
    }
    let linkedToAll = options.dense || index % 2 == 0
    workspace.connections.append(
      Connection(
        id: String(format: "con_%05d", index), key: String(format: "conn_%05d", index), scope: .workspace,
        base: ConnectionPayload(
          fields: [
            .connType: "postgres", .host: "db-\(index).example.com", .login: "app", .password: "pw-\(index)",
            .port: "5432",
          ],
          extra: extra),
        linkedToAll: linkedToAll, links: links, stamp: Stamp(by: actor)))
    workspace.variables.append(
      Variable(
        id: String(format: "var_%05d", index), key: String(format: "var_%05d", index), scope: .workspace,
        base: VariablePayload(value: "value-\(index)"), linkedToAll: linkedToAll, links: variableLinks,
        stamp: Stamp(by: actor)))
  }
  return workspace
}

print(
  "airenv benchmark: \(objectCount) connections, \(objectCount) variables, \(deploymentCount) Deployments"
    + (options.dense ? ", every object linked to all (dense)" : ""))
let generation = DispatchTime.now()
let workspace = try generate()
print(String(format: "  generated in %.0f ms", milliseconds(generation)))

let root = options.keep ?? NSTemporaryDirectory() + "airenv-benchmark-\(getpid())"
// Opened as the app opens it: with a cache directory for the key index, beside the repository.
let caches = root + "-cache"
defer {
  if options.keep == nil {
    try? FileManager.default.removeItem(atPath: root)
    try? FileManager.default.removeItem(atPath: root + ".key")
    try? FileManager.default.removeItem(atPath: caches)
  }
}
let repository = Repository(
  root: root, keyring: Keyring(environment: ["AIRENV_KEY_FILE": root + ".key"]), caches: caches)
guard try repository.initialize() else {
  print("airenv-benchmark: \(root) already holds a repository; give a new directory")
  exit(1)
}
_ = try repository.createWorkspace(named: "bench", by: actor)
let firstWrite = DispatchTime.now()
try repository.update(workspace: "bench") { stored in
  stored.deployments = workspace.deployments
  stored.connections = workspace.connections
  stored.variables = workspace.variables
}
print(String(format: "  first save of everything: %.0f ms", milliseconds(firstWrite)))
if let kept = options.keep {
  print("  kept: AIRENV_REPO=\(kept) AIRENV_KEY_FILE=\(kept).key")
  exit(0)
}

var results: [(String, String, String)] = []
// Open to first frame: read the Workspace from disk, build the state, render the matrix.
// Each sample starts with a new Repository, as a new process does: nothing decoded is kept.
var openSamples: [Double] = []
var loaded = workspace
for _ in 0..<5 {
  let start = DispatchTime.now()
  loaded = try Repository(root: root, keyring: repository.keyring, caches: caches).read(workspace: "bench")
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

// The same, end to end: the real `airenv` binary started on a pseudo-terminal of 200×60, timed
// from spawning the process until the first connection of the list has been written to the
// terminal (process start, key, reading the repository, ncurses start-up and the first draw).
let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  .appendingPathComponent("airenv").path
if FileManager.default.isExecutableFile(atPath: executable) {
  var startSamples: [Double] = []
  for _ in 0..<5 {
    startSamples.append(
      try timeToFirstFrame(
        executable, arguments: ["tui"], marker: "conn_00000",
        environment: [
          "AIRENV_REPO=" + root, "AIRENV_KEY_FILE=" + root + ".key", "TERM=xterm-256color", "LANG=C.UTF-8",
          "HOME=" + root,
        ]))
  }
  results.append(
    (
      "`airenv tui` start to first frame (real binary, pty)",
      String(format: "%.0f ms (median of 5)", percentile(startSamples, 0.5)), "≤ 150 ms"
    ))
} else {
  print("  (build the airenv executable too, `swift build -c release`, to time the real binary's start)")
}

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
results.append(keystrokeRow("matrix keystroke (update + render)", keySamples))
results.append(
  ("cells rewritten per matrix keystroke (of 12,000)", String(changedCells / 3_000), "changed cells only"))

// Keystrokes elsewhere: the list with its detail pane, switching tabs, and typing a filter
// (each character narrows 5,000 rows), each handled and rendered.
func keystrokes(_ actions: [Action], from start: AppState, rounds: Int) -> [Double] {
  var state = start
  var samples: [Double] = []
  for round in 0..<rounds {
    for action in actions {
      let begin = DispatchTime.now()
      _ = update(&state, action)
      _ = render(state)
      samples.append(milliseconds(begin))
    }
    if round % 10 == 9 { state = start }
  }
  return samples
}
let listStart = AppState(
  workspace: loaded, session: SessionInfo(repository: root, user: "bench", readonly: false), width: 200,
  height: 60)
for (name, actions) in [
  (
    "list keystroke (move, page, detail pane)",
    [Action.moveDown, .moveDown, .pageDown, .moveUp, .moveEnd, .moveHome]
  ),
  (
    "tab switch (Connections, Variables, Deployments)",
    [.selectTab(.variables), .selectTab(.deployments), .selectTab(.connections)]
  ),
  (
    "filter keystroke (type \"conn_01\", erase it)",
    [.startFilter] + "conn_01".map { Action.insert($0) } + Array(repeating: .deleteBackward, count: 7) + [
      .submit
    ]
  ),
] {
  results.append(keystrokeRow(name, keystrokes(actions, from: listStart, rounds: 100)))
}

// Scrolling the resolved set of one Deployment and the difference of two (10,000 objects):
// opening such a page is timed once, then each scroll keystroke.
for (name, command) in [("resolved view", "resolve deploy-001"), ("diff view", "diff deploy-001 deploy-002")]
{
  var state = listStart
  let begin = DispatchTime.now()
  for action in [Action.startCommand] + command.map({ Action.insert($0) }) + [.submit] {
    _ = update(&state, action)
  }
  _ = render(state)
  results.append(
    (
      "\(name): open (\(command))", String(format: "%.1f ms", milliseconds(begin)),
      "≤ 50 ms per Deployment resolved"
    ))
  results.append(
    keystrokeRow(
      "\(name): scroll keystroke",
      keystrokes([.pageDown, .moveDown, .moveDown, .pageUp], from: state, rounds: 100)))
}

// Moving down the Deployments tab: each Deployment shown the first time counts what reaches it.
var deploymentSamples: [Double] = []
for _ in 0..<5 {
  var state = AppState(
    workspace: loaded, session: SessionInfo(repository: root, user: "bench", readonly: false), width: 200,
    height: 60)
  _ = update(&state, .selectTab(.deployments))
  for _ in 0..<(deploymentCount - 1) {
    let begin = DispatchTime.now()
    _ = update(&state, .moveDown)
    _ = render(state)
    deploymentSamples.append(milliseconds(begin))
  }
}
results.append(keystrokeRow("Deployments tab: move to a Deployment not shown before", deploymentSamples))

// A keystroke that proposes a change (toggle a link) is checked on a copy first.
var toggleSamples: [Double] = []
for _ in 0..<1_000 {
  var copy = state
  let start = DispatchTime.now()
  _ = update(&copy, .toggleLink)
  _ = render(copy)
  toggleSamples.append(milliseconds(start))
}
results.append(keystrokeRow("matrix Space (propose a link change)", toggleSamples))

// One saved change in a running session, as the TUI makes it: lock, re-read (only files
// changed since the last read are decoded again), apply, write the changed file with its
// history entry, then show the new state (re-index the lists and draw).
var saveSamples: [Double] = []
var session = listStart
for index in 0..<10 {
  let start = DispatchTime.now()
  let saved = try repository.update(workspace: "bench") { stored in
    try stored.apply(
      .updateVariable(
        ObjectReference(.variable, "var_00001"), VariableChanges(value: "v\(index)"), linkedToAll: nil),
      by: actor)
    return stored
  }
  _ = update(&session, .reloaded(saved))
  _ = render(session)
  saveSamples.append(milliseconds(start))
}
results.append(
  (
    "one saved change in a running session (the TUI: save, re-index, draw)",
    String(format: "%.0f ms (median of 10)", percentile(saveSamples, 0.5)),
    "≤ 50 ms"
  ))

// The same change from the command line: a new process that has nothing decoded yet.
if FileManager.default.isExecutableFile(atPath: executable) {
  var commandSamples: [Double] = []
  for index in 0..<5 {
    commandSamples.append(
      try timeToExit(
        executable, arguments: ["variable", "update", "var_00002", "--value", "cli-\(index)"],
        environment: ["AIRENV_REPO=" + root, "AIRENV_KEY_FILE=" + root + ".key", "HOME=" + root]))
  }
  results.append(
    (
      "`airenv variable update`, a new process end to end",
      String(format: "%.0f ms (median of 5)", percentile(commandSamples, 0.5)), "≤ 50 ms per save"
    ))
}

// One-off commands as scripts run them: each a new process with nothing decoded yet, its
// output discarded (written to DIR for exports, removed between runs).
if FileManager.default.isExecutableFile(atPath: executable) {
  let environment = ["AIRENV_REPO=" + root, "AIRENV_KEY_FILE=" + root + ".key", "HOME=" + root]
  let exportDirectory = root + "-export"
  let commands: [(String, [String], String)] = [
    (
      "`export --all --format airflow-json --include-secrets`, new process",
      ["export", "--all", "--format", "airflow-json", "--out", exportDirectory, "--include-secrets"], "≤ 2 s"
    ),
    (
      "`export --all --format env --include-secrets`, new process",
      ["export", "--all", "--format", "env", "--out", exportDirectory, "--include-secrets"], "≤ 2 s"
    ),
    (
      "`resolve --deployment deploy-000 --output json`, new process",
      ["resolve", "--deployment", "deploy-000", "--output", "json"], "≤ 150 ms"
    ),
    ("`connection list --output json`, new process", ["connection", "list", "--output", "json"], "≤ 100 ms"),
  ]
  for (name, arguments, budget) in commands {
    var samples: [Double] = []
    for _ in 0..<3 {
      try? FileManager.default.removeItem(atPath: exportDirectory)
      samples.append(try timeToExit(executable, arguments: arguments, environment: environment))
    }
    try? FileManager.default.removeItem(atPath: exportDirectory)
    results.append(
      (
        name,
        String(format: "%.0f ms (median of 3: ", percentile(samples, 0.5))
          + samples.map { String(format: "%.0f", $0) }.joined(separator: ", ") + ")", budget
      ))
  }
}

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

// Peak memory of everything above (the import rows below generate large files of their own).
var usage = rusage()
getrusage(RUSAGE_SELF.rawValue, &usage)
results.append(("peak memory (max RSS)", "\(usage.ru_maxrss / 1024) MB", "≤ 150 MB"))

// Keystrokes while a sync refresh runs (issue 12), as in the TUI: a background thread plans
// each targeted Deployment while keys are handled. Twenty Deployments get a `directory` target
// (empty: every file is to write), so the refresh resolves and compares twenty sets of all
// objects on the other core. List keystrokes are measured until it has ended, at least 300.
do {
  let targets = root + "-targets"
  let targeted = min(20, deploymentCount)
  let withTargets = try repository.update(workspace: "bench") { stored in
    for index in 0..<targeted {
      let name = String(format: "deploy-%03d", index)
      try FileManager.default.createDirectory(atPath: targets + "/" + name, withIntermediateDirectories: true)
      _ = try stored.apply(
        .setTarget(deployment: name, target: .directory(path: targets + "/" + name, format: "airflow-json")),
        by: actor, confirmed: true)
    }
    return stored
  }
  let monitor = SyncMonitor(
    application: Application(repository: repository, workspaceName: "bench", user: "bench", readonly: false))
  var state = AppState(
    workspace: withTargets, session: SessionInfo(repository: root, user: "bench", readonly: false),
    width: 200,
    height: 60)
  let actions = [Action.moveDown, .moveDown, .pageDown, .moveUp, .moveEnd, .moveHome]
  var samples: [Double] = []
  let begin = DispatchTime.now()
  monitor.refresh(withTargets)
  while monitor.isWorking || samples.count < 300 {
    for action in actions {
      let start = DispatchTime.now()
      _ = update(&state, action)
      _ = render(state)
      samples.append(milliseconds(start))
    }
  }
  let refresh = milliseconds(begin)
  let states = monitor.take() ?? [:]
  // Planned, whatever the plan says (an empty directory target is "drifted": files to write).
  let measured = states.values.filter { $0.status != .checking && $0.status != .unreachable }.count
  guard measured == targeted else {
    print(
      "airenv-benchmark: the sync refresh measured \(measured) of \(targeted) Deployments: "
        + states.values.map { "\($0.summary) \($0.lines.first ?? "")" }.joined(separator: "; "))
    exit(1)
  }
  results.append(
    keystrokeRow(
      "list keystroke while a sync refresh plans \(targeted) Deployments (\(String(format: "%.1f", refresh / 1000)) s)",
      samples))
  try? FileManager.default.removeItem(atPath: targets)
}

// Import: 10,000 objects in each format a team already has, as `airenv import` runs it (a new
// process), into a fresh repository. Connections carry a password and extras.
if FileManager.default.isExecutableFile(atPath: executable)
  && !options.skipImports
{
  let count = 10_000
  let connections = (0..<count).map { index in
    ExportConnection(
      connId: String(format: "conn_%05d", index), connType: "postgres", host: "db-\(index).example.com",
      schema: "analytics", login: "app", password: "pw-\(index)", port: 5432,
      extra: ["sslmode": .string("require"), "api_key": .string("key-\(index)")])
  }
  let variables = (0..<count).map {
    ExportVariable(key: String(format: "var_%05d", $0), value: "value \($0)")
  }
  let half = ExportSet(
    deployment: "bench", connections: Array(connections.prefix(count / 2)),
    variables: Array(variables.prefix(count / 2)))
  let sources: [(String, ExportSet, ExportFormat)] = [
    (
      "airflow-json (connections.json)",
      ExportSet(deployment: "bench", connections: connections, variables: []), .airflowJSON
    ),
    (
      "airflow-yaml (connections.yaml)",
      ExportSet(deployment: "bench", connections: connections, variables: []), .airflowYAML
    ),
    (
      "airflow-env (connections.env)",
      ExportSet(deployment: "bench", connections: connections, variables: []), .airflowEnv
    ),
    ("uri lines", ExportSet(deployment: "bench", connections: connections, variables: []), .uri),
    ("env (5,000 + 5,000)", half, .env),
    ("airflow-settings (5,000 + 5,000)", half, .airflowSettings),
    (
      "airflow-json (variables.json)", ExportSet(deployment: "bench", connections: [], variables: variables),
      .airflowJSON
    ),
  ]
  // Removed only after every row: deleting 30,000 files between rows slows the file system's
  // next creations (ext4 checks recently freed inodes), which is the benchmark's doing, not airenv's.
  var importDirectories: [String] = []
  defer { for directory in importDirectories { try? FileManager.default.removeItem(atPath: directory) } }
  for (name, set, format) in sources {
    let file = try Exporter.files(set, as: format).max { $0.contents.utf8.count < $1.contents.utf8.count }!
    let directory = root + "-import-\(format.rawValue)"
    try? FileManager.default.removeItem(atPath: directory)
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let path = directory + "/" + (file.name.isEmpty ? "import" : file.name)
    try file.contents.write(toFile: path, atomically: true, encoding: .utf8)
    var samples: [Double] = []
    var floors: [Double] = []
    for round in 0..<3 {
      floors.append(fileWritingFloor(count: count, size: 1_000, in: directory + "/floor-\(round)"))
      let target = directory + "/repo-\(round)"
      let fresh = Repository(
        root: target, keyring: Keyring(environment: ["AIRENV_KEY_FILE": directory + "/key"]))
      try fresh.initialize()
      _ = try fresh.createWorkspace(named: "bench", by: actor)
      // The dense case imports into a Workspace that has its Deployments: --link-all reaches them all.
      if options.dense {
        try fresh.update(workspace: "bench") { stored in stored.deployments = workspace.deployments }
      }
      let time = try timeToExit(
        executable,
        arguments: [
          "import", path, "--link-all", "--format", format == .airflowSettings ? "airflow-settings" : "auto",
        ],
        environment: ["AIRENV_REPO=" + target, "AIRENV_KEY_FILE=" + directory + "/key", "HOME=" + directory])
      let imported = try fresh.read(workspace: "bench")
      guard imported.connections.count + imported.variables.count == count else {
        print("import of \(name) did not import \(count) objects")
        exit(1)
      }
      samples.append(time)
    }
    importDirectories.append(directory)
    print(
      "  import \(name): "
        + zip(samples, floors).map { String(format: "%.2f s (floor %.2f s)", $0 / 1000, $1 / 1000) }
        .joined(separator: ", "))
    results.append(
      (
        "`airenv import` of \(count) objects: \(name)",
        String(
          format: "%.2f s (median of 3; writing 10,000 files alone: %.2f s)", percentile(samples, 0.5) / 1000,
          percentile(floors, 0.5) / 1000), "≤ 2 s"
      ))
  }
}

// Data keys (issue 13): the same Workspace moved to a data key wrapped per member, then the
// membership changes that wrap it for a new reader and that make a new one (every secret sealed
// again), and the cold commands above again, each a new process.
if options.dataKeys && FileManager.default.isExecutableFile(atPath: executable) {
  let configuration = root + "-config"
  let bobs = root + "-config-bob"
  let bench = try IdentityFile(environment: ["XDG_CONFIG_HOME": configuration]).create(for: "bench")
  let bob = try IdentityFile(environment: ["XDG_CONFIG_HOME": bobs]).create(for: "bob")
  let environment = [
    "AIRENV_REPO=" + root, "AIRENV_KEY_FILE=" + root + ".key", "HOME=" + root,
    "XDG_CONFIG_HOME=" + configuration,
    "AIRENV_USER=bench",
  ]
  func timed(_ name: String, _ arguments: [String], budget: String, runs: Int = 1) throws -> Double {
    var samples: [Double] = []
    for _ in 0..<runs {
      samples.append(try timeToExit(executable, arguments: arguments, environment: environment))
    }
    let median = percentile(samples, 0.5)
    results.append(
      (
        name,
        runs == 1
          ? String(format: "%.0f ms", median)
          : String(format: "%.0f ms (median of \(runs): ", median)
            + samples.map { String(format: "%.0f", $0) }.joined(separator: ", ") + ")", budget
      ))
    return median
  }
  let resolve = ["resolve", "--deployment", "deploy-000", "--output", "json"]
  let shared = try timed("`resolve …`, shared key (before the migration)", resolve, budget: "", runs: 3)
  let sharedUpdate = try timed(
    "`variable update`, shared key", ["variable", "update", "var_00003", "--value", "s"], budget: "", runs: 3)
  let list = ["connection", "list", "--output", "json"]
  let export = ["export", "--deployment", "deploy-000", "--format", "env", "--out", root + "-export.env"]
  let sharedList = try timed("`connection list --output json`, shared key", list, budget: "", runs: 3)
  let sharedExport = try timed(
    "`export --deployment deploy-000 --format env`, shared key", export, budget: "", runs: 3)
  func firstFrame(_ name: String) throws -> Double {
    let samples = try (0..<5).map { _ in
      try timeToFirstFrame(
        executable, arguments: ["tui"], marker: "conn_00000",
        environment: environment + ["TERM=xterm-256color", "LANG=C.UTF-8"])
    }
    results.append(
      (name, String(format: "%.0f ms (median of 5)", percentile(samples, 0.5)), "≤ 150 ms (aim ≤ 80)"))
    return percentile(samples, 0.5)
  }
  _ = try firstFrame("`airenv tui` first frame, shared key")
  _ = try timeToExit(
    executable,
    arguments: ["workspace", "member", "set", "bench", "owner", "--public-key", bench.publicText],
    environment: environment)
  _ = try timed(
    "`key migrate` (every secret sealed again, a data key per Workspace)", ["key", "migrate"], budget: "")
  _ = try timed(
    "`workspace member set bob operator --public-key …` (the key wrapped for bob)",
    ["workspace", "member", "set", "bob", "operator", "--public-key", bob.publicText], budget: "")
  // Beside its floor: writing as many files, measured just before on the same file system.
  let floor = fileWritingFloor(count: objectCount, size: 1_000, in: root + "-floor")
  try? FileManager.default.removeItem(atPath: root + "-floor")
  _ = try timed(
    "`workspace member set bob member` (a new key: every secret sealed again)",
    ["workspace", "member", "set", "bob", "member"],
    budget: String(format: "≤ 2 s; writing %d files alone: %.0f ms", objectCount, floor))
  // Right after the renewal every file is too young for a verdict to be kept (a file changed
  // within the same tick could change again unseen: git's racy-clean rule); the rows after it
  // measure the steady state, a few seconds later, as a script or a person meets it.
  _ = try timed(
    "`connection list --output json` right after that renewal (files too young to cache)", list, budget: "")
  Thread.sleep(forTimeInterval: 2.5)
  let withDataKey = try timed("`resolve …`, data key", resolve, budget: "", runs: 3)
  let dataKeyUpdate = try timed(
    "`variable update`, data key", ["variable", "update", "var_00003", "--value", "d"], budget: "", runs: 3)
  // Every object is signed now (the migration's entry names each), and verified by the listing
  // and the export: the first run learns what later ones reuse.
  let signedList = try timed(
    "`connection list --output json`, \(objectCount * 2) signed objects verified", list, budget: "", runs: 3)
  let signedExport = try timed(
    "`export --deployment deploy-000 --format env`, signed objects verified", export, budget: "", runs: 3)
  _ = try firstFrame("`airenv tui` first frame, \(objectCount * 2) signed objects (marked after it)")
  results.append(
    (
      "cold commands with a data key and verification against the shared key",
      String(
        format: "resolve %.2f×, variable update %.2f×, connection list %.2f×, export %.2f×",
        withDataKey / shared,
        dataKeyUpdate / sharedUpdate, signedList / sharedList, signedExport / sharedExport),
      "≤ 1.5×"
    ))
  for directory in [configuration, bobs] { try? FileManager.default.removeItem(atPath: directory) }
}

let width = results.map { $0.0.count }.max()!
for (name, value, budget) in results {
  print(
    "  " + name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value + "   (budget " + budget
      + ")")
}
