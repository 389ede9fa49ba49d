/// Tracks how much of the run's allowance (wall time and, optionally, iterations) is used.
///
/// Progress is a fraction in [0, 1]: the larger of elapsed/limit time and
/// iterations/limit. The clock is read only every few iterations, since an
/// iteration can be much cheaper than a clock read on small instances.
struct SearchBudget {
    private let clock = ContinuousClock()
    private let started: ContinuousClock.Instant
    private let timeLimit: Double
    private let iterationLimit: Int
    /// Iterations between clock reads.
    private let clockStride = 4
    private(set) var iterations = 0
    private var cachedElapsed = 0.0
    private var iterationsAtLastRead = Int.min / 2

    init(timeLimit: Double, iterationLimit: Int?) {
        started = clock.now
        self.timeLimit = max(timeLimit, 1e-9)
        self.iterationLimit = max(iterationLimit ?? Int.max, 1)
    }

    mutating func tick() { iterations += 1 }

    /// Fraction of the allowance used so far.
    mutating func progress() -> Double {
        if iterations - iterationsAtLastRead >= clockStride {
            cachedElapsed = elapsedSeconds
            iterationsAtLastRead = iterations
        }
        return max(cachedElapsed / timeLimit, Double(iterations) / Double(iterationLimit))
    }

    /// Wall time since the run started, read now.
    var elapsedSeconds: Double {
        let duration = clock.now - started
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
