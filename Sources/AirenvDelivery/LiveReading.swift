import AirenvModel
import Foundation

/// Connects to a target's Airflow and reads what it holds on a thread of its own, so that a
/// plan resolves the Workspace and reads its delivery record while the server answers.
public final class LiveReading: @unchecked Sendable {
  private let done = DispatchSemaphore(value: 0)
  private let cancellation = Cancellation()
  // Written once by the reading thread before `done` is signalled, read only after waiting.
  private var outcome: Result<(AirflowClient, LiveState), DeliveryError>?

  public init(target: DeliveryTarget) {
    Thread.detachNewThread { [self] in
      outcome = Result { () throws(DeliveryError) in
        let client = try AirflowClient(target: target)
        var live = try client.liveState(cancellation: cancellation)
        if let shadowing = AirflowClient.shadowing(by: client.secretsBackend()) {
          live.warnings.append(shadowing)
        }
        return (client, live)
      }
      done.signal()
    }
  }

  /// The client and what it read, once the reading has ended. Called once: either this or
  /// `abandon`.
  public func wait() throws(DeliveryError) -> (client: AirflowClient, live: LiveState) {
    done.wait()
    guard let outcome else { throw .refused("the reading ended without an answer") }
    return try outcome.get()
  }

  /// Stops the reading before its next request and waits for the one under way, so that no
  /// thread is left talking to the server after the plan it was for has failed.
  public func abandon() {
    cancellation.cancel()
    done.wait()
  }
}

/// Set by the thread that no longer wants an answer; checked before each request.
public final class Cancellation: @unchecked Sendable {
  private let lock = NSLock()
  private var cancelled = false

  public init() {}

  public func cancel() { lock.withLock { cancelled = true } }

  func check() throws(DeliveryError) {
    if lock.withLock({ cancelled }) { throw .refused("the reading was cancelled") }
  }
}
