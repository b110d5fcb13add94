/// What the loss rules remember: the best loss so far and how many batches were seen.
struct LossHealth {
    var nonFinite = Episode()
    var divergence = Episode()
    var batches = 0
    var best = Double.infinity
}
