/// One (rule, layer) condition over consecutive recorded batches: it opens after `window`
/// batches true and closes after `window` batches false, so a lasting problem is one alert.
struct Episode {
    private var streak = 0
    private var calm = 0
    private(set) var isOpen = false

    /// Continues an episode raised before a restart: it is not raised again until it has ended.
    mutating func reopen() {
        isOpen = true
        streak = 0
        calm = 0
    }

    /// Takes one batch's condition; true when an episode opens at this batch.
    mutating func update(_ condition: Bool, window: Int) -> Bool {
        update(condition, opensAfter: window, closesAfter: window)
    }

    /// Takes one batch's condition, for a rule whose condition already spans a window (so it
    /// opens at once, `opensAfter` 1) but should end only after a window of calm.
    mutating func update(_ condition: Bool, opensAfter: Int, closesAfter: Int) -> Bool {
        let window = max(closesAfter, 1)
        if condition {
            calm = 0
            streak += 1
            if !isOpen && streak >= max(opensAfter, 1) {
                isOpen = true
                return true
            }
        } else {
            streak = 0
            if isOpen {
                calm += 1
                if calm >= window {
                    isOpen = false
                    calm = 0
                }
            }
        }
        return false
    }
}
