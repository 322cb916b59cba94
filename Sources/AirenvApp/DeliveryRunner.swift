import AirenvDelivery
import AirenvModel
import Foundation

/// Applies one Deployment's plan on a thread of its own, so that the TUI keeps answering keys
/// while the requests travel (a slow or stopped server holds up only this thread, until its
/// timeout). The runtime starts it, reads its progress between keys and takes its result once.
final class DeliveryRunner: @unchecked Sendable {
  /// What one apply came to, for the message line.
  struct Finished {
    var deployment: String
    var result: Result<ApplyReport, any Error>
  }

  private let lock = NSLock()
  private var running: String?
  private var progress: (done: Int, total: Int)?
  private var progressShown = false
  private var finished: Finished?
  private var quitAsked = false

  /// The Deployment being applied to, if any.
  var busy: String? {
    lock.lock()
    defer { lock.unlock() }
    return running
  }

  /// Starts applying to `deployment`; false when an apply is already running.
  func start(_ application: Application, deployment: String) -> Bool {
    lock.lock()
    // One at a time, and not before the last one's result has been taken.
    guard running == nil, finished == nil else {
      lock.unlock()
      return false
    }
    running = deployment
    progress = nil
    quitAsked = false
    lock.unlock()
    Thread.detachNewThread { [self] in
      let result = Result<ApplyReport, any Error> {
        try application.applyDelivery(to: deployment, prune: false, adopt: false) { done, total in
          self.lock.lock()
          self.progress = (done, total)
          self.progressShown = false
          self.lock.unlock()
        }
      }
      lock.lock()
      finished = Finished(deployment: deployment, result: result)
      running = nil
      lock.unlock()
    }
    return true
  }

  /// Whether this is the first quit asked for while the apply runs (it is then only warned of).
  func firstQuitDuringApply() -> Bool {
    lock.lock()
    defer { lock.unlock() }
    guard running != nil, !quitAsked else { return false }
    quitAsked = true
    return true
  }

  /// The progress made since it was last asked for, as "done/total".
  func takeProgress() -> (done: Int, total: Int)? {
    lock.lock()
    defer { lock.unlock() }
    guard !progressShown, let progress else { return nil }
    progressShown = true
    return progress
  }

  /// The result of the apply that ended, once.
  func takeFinished() -> Finished? {
    lock.lock()
    defer { lock.unlock() }
    let result = finished
    finished = nil
    return result
  }
}
